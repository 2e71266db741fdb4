import type { policiesLabels } from "../../labels-policies.js";

const article: Partial<Record<string, string>> = {
  password: "einem Passwort",
  passkey: "einem Passkey",
  sso: "Single Sign-on",
  google: "Google",
  github: "GitHub",
  microsoft: "Microsoft",
};

export const dePolicies: typeof policiesLabels = {
  policiesTitle: "Anmelderichtlinien",
  loadingPolicies: "Anmelderichtlinien werden geladen…",
  cannotManagePolicies: "Ihre Rolle erlaubt es nicht, Anmelderichtlinien zu ändern.",
  twoFactorPolicyTitle: "Zwei-Faktor-Anmeldung",
  requireTwoFactor: "Mitglieder müssen die Zwei-Faktor-Anmeldung verwenden",
  requireTwoFactorHint:
    "Mitglieder ohne Authenticator-App oder Passkey werden gebeten, eines davon einzurichten, bevor sie in dieser Organisation etwas tun können. Schalten Sie die Zwei-Faktor-Anmeldung zuerst für Ihr eigenes Konto ein.",
  twoFactorRequired: "Mitglieder brauchen jetzt die Zwei-Faktor-Anmeldung.",
  twoFactorNotRequired: "Mitglieder brauchen die Zwei-Faktor-Anmeldung nicht mehr.",
  twoFactorPolicyNeedsOwn:
    "Nichts wurde geändert: Schalten Sie die Zwei-Faktor-Anmeldung für Ihr eigenes Konto ein und melden Sie sich damit an, bevor Sie sie von Mitgliedern verlangen.",
  sessionPolicyTitle: "Sitzungen und Anmeldemethoden",
  sessionPolicyIntro:
    "Mitglieder, deren Sitzung älter ist, länger pausiert hat oder anders angemeldet wurde, werden gebeten, sich erneut anzumelden, bevor sie in dieser Organisation handeln; ihre anderen Organisationen sind nicht betroffen. Inhaber können sich immer anmelden, unabhängig von den Methoden.",
  sessionLifetime: "Sitzungsdauer (Minuten)",
  sessionLifetimeHint: (min, maxDays) => `Von ${min} Minuten bis ${maxDays} Tage. Leer: keine Grenze.`,
  idleTimeout: "Inaktivitäts-Timeout (Minuten)",
  idleTimeoutHint: (min, maxDays) => `Von ${min} Minuten bis ${maxDays} Tage. Leer: keine Grenze.`,
  minutesNotWhole:
    "Geben Sie eine ganze Zahl von Minuten ein oder lassen Sie das Feld für keine Grenze leer.",
  lifetimeTooShort: (min) => `Die Sitzungsdauer beträgt mindestens ${min} Minuten.`,
  lifetimeTooLong: (max, days) => `Die Sitzungsdauer beträgt höchstens ${max} Minuten (${days} Tage).`,
  idleTooShort: (min) => `Das Inaktivitäts-Timeout beträgt mindestens ${min} Minuten.`,
  idleTooLong: (max, days) => `Das Inaktivitäts-Timeout beträgt höchstens ${max} Minuten (${days} Tage).`,
  allowedMethods: "Akzeptierte Anmeldemethoden",
  allowedMethodsHint: "Sind alle angehakt, wird jede Anmeldemethode akzeptiert.",
  signInMethodNames: {
    password: "Passwort",
    passkey: "Passkey",
    sso: "Single Sign-on",
    google: "Google",
    github: "GitHub",
    microsoft: "Microsoft",
  },
  noMethodAllowed: "Akzeptieren Sie mindestens eine Anmeldemethode.",
  ownSignInExcluded: (method) =>
    `Sie haben sich mit ${article[method] ?? method} angemeldet, was diese Richtlinie nicht akzeptieren würde. Nehmen Sie diese Methode auf oder melden Sie sich zuerst mit einer akzeptierten Methode an.`,
  saveSignInPolicy: "Anmelderichtlinie speichern",
  signInPolicySaved: "Anmelderichtlinie gespeichert.",
  signInPolicySavedSignInAgain:
    "Anmelderichtlinie gespeichert. Ihre eigene Sitzung liegt hier außerhalb der Grenzen: Melden Sie sich erneut an, um fortzufahren.",
};
