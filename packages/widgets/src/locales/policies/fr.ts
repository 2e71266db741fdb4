import type { policiesLabels } from "../../labels-policies.js";

const article: Partial<Record<string, string>> = {
  password: "un mot de passe",
  passkey: "une clé d’accès",
  sso: "l’authentification unique",
  google: "Google",
  github: "GitHub",
  microsoft: "Microsoft",
};

export const frPolicies: typeof policiesLabels = {
  policiesTitle: "Règles de connexion",
  loadingPolicies: "Chargement des règles de connexion…",
  cannotManagePolicies: "Votre rôle ne permet pas de modifier les règles de connexion.",
  twoFactorPolicyTitle: "Connexion à deux facteurs",
  requireTwoFactor: "Les membres doivent utiliser la connexion à deux facteurs",
  requireTwoFactorHint:
    "Les membres sans application d’authentification ni clé d’accès doivent en configurer une avant de pouvoir agir dans cette organisation. Activez d’abord la connexion à deux facteurs sur votre propre compte.",
  twoFactorRequired: "Les membres doivent désormais utiliser la connexion à deux facteurs.",
  twoFactorNotRequired: "Les membres n’ont plus besoin de la connexion à deux facteurs.",
  twoFactorPolicyNeedsOwn:
    "Rien n’a été modifié : activez la connexion à deux facteurs sur votre propre compte et connectez-vous avec elle avant de l’exiger des membres.",
  sessionPolicyTitle: "Sessions et méthodes de connexion",
  sessionPolicyIntro:
    "Les membres dont la session est plus ancienne, est restée inactive plus longtemps ou a été ouverte autrement doivent se reconnecter avant d’agir dans cette organisation ; leurs autres organisations ne sont pas concernées. Les propriétaires peuvent toujours se connecter, quelles que soient les méthodes.",
  sessionLifetime: "Durée de session (minutes)",
  sessionLifetimeHint: (min, maxDays) => `De ${min} minutes à ${maxDays} jours. Vide : aucune limite.`,
  idleTimeout: "Délai d’inactivité (minutes)",
  idleTimeoutHint: (min, maxDays) => `De ${min} minutes à ${maxDays} jours. Vide : aucune limite.`,
  minutesNotWhole: "Saisissez un nombre entier de minutes, ou laissez vide pour aucune limite.",
  lifetimeTooShort: (min) => `La durée de session est d’au moins ${min} minutes.`,
  lifetimeTooLong: (max, days) => `La durée de session est d’au plus ${max} minutes (${days} jours).`,
  idleTooShort: (min) => `Le délai d’inactivité est d’au moins ${min} minutes.`,
  idleTooLong: (max, days) => `Le délai d’inactivité est d’au plus ${max} minutes (${days} jours).`,
  allowedMethods: "Méthodes de connexion acceptées",
  allowedMethodsHint: "Toutes cochées : toute méthode de connexion est acceptée.",
  signInMethodNames: {
    password: "Mot de passe",
    passkey: "Clé d’accès",
    sso: "Authentification unique",
    google: "Google",
    github: "GitHub",
    microsoft: "Microsoft",
  },
  noMethodAllowed: "Acceptez au moins une méthode de connexion.",
  ownSignInExcluded: (method) =>
    `Vous vous êtes connecté avec ${article[method] ?? method}, que cette règle n’accepterait pas. Incluez cette méthode, ou connectez-vous d’abord avec une méthode acceptée.`,
  saveSignInPolicy: "Enregistrer les règles de connexion",
  signInPolicySaved: "Règles de connexion enregistrées.",
  signInPolicySavedSignInAgain:
    "Règles de connexion enregistrées. Votre propre session dépasse ici les limites : reconnectez-vous pour continuer.",
};
