import type { accountLabels } from "../../labels-account.js";

export const deAccount: typeof accountLabels = {
  accountSecurityTitle: "Kontosicherheit",
  loadingSecurity: "Ihre Sicherheitseinstellungen werden geladen…",
  securityNeedsSession:
    "Zwei-Faktor-Anmeldung, Passkeys und Sitzungen lassen sich nur ändern, während Sie bei Roster selbst angemeldet sind, nicht über dieses Produkt. Öffnen Sie Ihr Roster-Konto, um sie zu ändern.",
  twoFactorTitle: "Zwei-Faktor-Anmeldung",
  twoFactorOn: "An",
  twoFactorOff: "Aus",
  twoFactorOnText: "Bei der Anmeldung wird ein Code aus Ihrer Authenticator-App oder ein Passkey verlangt.",
  twoFactorOffText:
    "Fügen Sie eine Authenticator-App hinzu, damit ein Passwort allein Ihr Konto nicht öffnet.",
  recoveryCodesLeft: (n) => `${n} ${n === 1 ? "Wiederherstellungscode" : "Wiederherstellungscodes"} übrig`,
  setUpAuthenticator: "Authenticator-App einrichten",
  scanQrCode:
    "Scannen Sie diesen QR-Code mit Ihrer Authenticator-App oder geben Sie den Schlüssel unten von Hand ein.",
  qrCodeAlt: "QR-Code für Ihre Authenticator-App",
  secretKey: "Schlüssel",
  copySecret: "Schlüssel kopieren",
  authenticatorCode: "Code aus Ihrer Authenticator-App",
  confirmAuthenticator: "Bestätigen",
  authenticatorAdded: "Die Zwei-Faktor-Anmeldung ist an.",
  recoveryCodesTitle: "Ihre Wiederherstellungscodes",
  recoveryCodesText:
    "Bewahren Sie diese Codes sicher auf. Jeder meldet Sie einmal an, falls Sie Ihren Authenticator verlieren. Sie werden nur jetzt angezeigt.",
  copyRecoveryCodes: "Codes kopieren",
  savedRecoveryCodes: "Ich habe sie gespeichert",
  disableTwoFactor: "Authenticator-App entfernen",
  disableTwoFactorText:
    "Geben Sie einen aktuellen Code aus Ihrer Authenticator-App oder einen Wiederherstellungscode ein.",
  twoFactorDisabled: "Die Authenticator-App wurde entfernt.",
  regenerateRecoveryCodes: "Neue Wiederherstellungscodes",
  regenerateRecoveryCodesText:
    "Ihre alten Wiederherstellungscodes funktionieren dann nicht mehr. Geben Sie einen aktuellen Code ein.",
  recoveryCodesRegenerated: "Neue Wiederherstellungscodes wurden erstellt. Die alten gelten nicht mehr.",
  codeOrRecoveryCode: "Code",
  sessionsTitle: "Wo Sie angemeldet sind",
  loadingSessions: "Sitzungen werden geladen…",
  thisDevice: "Dieses Gerät",
  sessionDevice: (browser, system) => `${browser} auf ${system}`,
  unknownBrowser: "Ein Browser",
  unknownSystem: "einem unbekannten Gerät",
  sessionSeen: (date) => `Zuletzt aktiv ${date}`,
  signOutSession: (device) => `${device} abmelden`,
  sessionEnded: (device) => `${device} wurde abgemeldet.`,
  signOutOthers: "Überall sonst abmelden",
  othersSignedOut: (n) => `${n} ${n === 1 ? "andere Sitzung" : "andere Sitzungen"} abgemeldet.`,
  noOtherSessions: "Sie sind nirgendwo sonst angemeldet.",
};
