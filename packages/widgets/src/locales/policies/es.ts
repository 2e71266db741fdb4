import type { policiesLabels } from "../../labels-policies.js";

const article: Partial<Record<string, string>> = {
  password: "una contraseña",
  passkey: "una llave de acceso",
  sso: "inicio de sesión único",
  google: "Google",
  github: "GitHub",
  microsoft: "Microsoft",
};

export const esPolicies: typeof policiesLabels = {
  policiesTitle: "Políticas de inicio de sesión",
  loadingPolicies: "Cargando las políticas de inicio de sesión…",
  cannotManagePolicies: "Tu rol no permite cambiar las políticas de inicio de sesión.",
  twoFactorPolicyTitle: "Inicio de sesión en dos pasos",
  requireTwoFactor: "Los miembros deben usar el inicio de sesión en dos pasos",
  requireTwoFactorHint:
    "A los miembros sin aplicación de autenticación ni llave de acceso se les pide configurar una antes de poder hacer nada en esta organización. Activa primero el inicio de sesión en dos pasos en tu propia cuenta.",
  twoFactorRequired: "Los miembros ahora necesitan el inicio de sesión en dos pasos.",
  twoFactorNotRequired: "Los miembros ya no necesitan el inicio de sesión en dos pasos.",
  twoFactorPolicyNeedsOwn:
    "No se cambió nada: activa el inicio de sesión en dos pasos en tu propia cuenta e inicia sesión con él antes de exigirlo a los miembros.",
  sessionPolicyTitle: "Sesiones y métodos de inicio de sesión",
  sessionPolicyIntro:
    "A los miembros cuya sesión es más antigua, ha estado inactiva más tiempo o se inició de otra forma se les pide volver a iniciar sesión antes de actuar en esta organización; sus otras organizaciones no se ven afectadas. Los propietarios siempre pueden iniciar sesión, sean cuales sean los métodos.",
  sessionLifetime: "Duración de la sesión (minutos)",
  sessionLifetimeHint: (min, maxDays) => `De ${min} minutos a ${maxDays} días. Vacío: sin límite.`,
  idleTimeout: "Tiempo de inactividad (minutos)",
  idleTimeoutHint: (min, maxDays) => `De ${min} minutos a ${maxDays} días. Vacío: sin límite.`,
  minutesNotWhole: "Escribe un número entero de minutos, o déjalo vacío para no poner límite.",
  lifetimeTooShort: (min) => `La duración de la sesión es de al menos ${min} minutos.`,
  lifetimeTooLong: (max, days) => `La duración de la sesión es de como máximo ${max} minutos (${days} días).`,
  idleTooShort: (min) => `El tiempo de inactividad es de al menos ${min} minutos.`,
  idleTooLong: (max, days) => `El tiempo de inactividad es de como máximo ${max} minutos (${days} días).`,
  allowedMethods: "Métodos de inicio de sesión aceptados",
  allowedMethodsHint: "Con todos marcados, se acepta cualquier método de inicio de sesión.",
  signInMethodNames: {
    password: "Contraseña",
    passkey: "Llave de acceso",
    sso: "Inicio de sesión único",
    google: "Google",
    github: "GitHub",
    microsoft: "Microsoft",
  },
  noMethodAllowed: "Acepta al menos un método de inicio de sesión.",
  ownSignInExcluded: (method) =>
    `Iniciaste sesión con ${article[method] ?? method}, que esta política no aceptaría. Inclúyelo, o inicia sesión primero con uno de los métodos aceptados.`,
  saveSignInPolicy: "Guardar la política de inicio de sesión",
  signInPolicySaved: "Política de inicio de sesión guardada.",
  signInPolicySavedSignInAgain:
    "Política de inicio de sesión guardada. Tu propia sesión supera aquí sus límites: vuelve a iniciar sesión para continuar.",
};
