import { type Labels, retryWhen } from "../labels.js";
import { deAccount } from "./account/de.js";
import { deIdentity } from "./identity/de.js";
import { dePolicies } from "./policies/de.js";
import { deSecurity } from "./security/de.js";

const date = new Intl.DateTimeFormat("de", { year: "numeric", month: "short", day: "numeric" });
const dateTime = new Intl.DateTimeFormat("de", { dateStyle: "medium", timeStyle: "short" });

/** German. */
export const de: Labels = {
  ...deIdentity,
  ...deSecurity,
  ...deAccount,
  ...dePolicies,
  messages: {
    VALIDATION: "Einige Angaben sind ungültig. Prüfen Sie sie und versuchen Sie es erneut.",
    BAD_REQUEST:
      "Roster konnte diese Anfrage nicht verstehen. Laden Sie die Seite neu und versuchen Sie es erneut.",
    BATCH_TOO_LARGE: "Zu viele Anfragen auf einmal. Versuchen Sie es erneut.",
    UNAUTHENTICATED: "Sie sind abgemeldet. Melden Sie sich erneut an, um fortzufahren.",
    FORBIDDEN: "Das dürfen Sie nicht.",
    ORIGIN_NOT_ALLOWED:
      "Diese Website darf Roster nicht verwenden. Bitten Sie die Administration, ihren Ursprung zuzulassen.",
    NOT_FOUND: "Das gibt es nicht mehr. Laden Sie die Seite neu.",
    METHOD_NOT_SUPPORTED:
      "Roster konnte diese Anfrage nicht verstehen. Laden Sie die Seite neu und versuchen Sie es erneut.",
    CONFLICT: "Jemand hat das gleichzeitig geändert. Versuchen Sie es erneut.",
    PAYLOAD_TOO_LARGE: "Das ist zu viel auf einmal. Senden Sie weniger und versuchen Sie es erneut.",
    RATE_LIMITED: "Das wurde gerade zu oft versucht. Warten Sie kurz und versuchen Sie es dann erneut.",
    INTERNAL:
      "Bei uns ist etwas schiefgelaufen. Versuchen Sie es erneut; wenn es wieder passiert, wenden Sie sich an den Support.",
    SERVICE_UNAVAILABLE: "Roster ist kurz nicht erreichbar. Versuchen Sie es gleich noch einmal.",
    DATABASE_UNAVAILABLE:
      "Roster ist kurz nicht erreichbar. Nichts wurde geändert; versuchen Sie es gleich noch einmal.",
    TRY_AGAIN:
      "Zu viele gleichzeitige Änderungen an derselben Sache. Nichts wurde geändert; versuchen Sie es erneut.",
    NETWORK: "Roster ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
    INVALID_CREDENTIALS: "E-Mail-Adresse und Passwort passen nicht zusammen.",
    INVALID_SESSION: "Ihre Sitzung ist nicht mehr gültig. Melden Sie sich erneut an.",
    SESSION_EXPIRED: "Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an.",
    INVALID_API_KEY: "Dieser API-Schlüssel ist ungültig oder wurde widerrufen.",
    INVALID_HOST_KEY:
      "Die Verbindung dieses Produkts zu Roster ist ungültig. Wenden Sie sich an die Administration.",
    HOST_KEY_REQUIRED: "Das kann nur das Backend des Produkts.",
    API_KEY_NOT_ALLOWED: "Ein API-Schlüssel kann das nicht. Melden Sie sich stattdessen als Person an.",
    EMAIL_TAKEN: "Ein Konto verwendet diese E-Mail-Adresse bereits. Melden Sie sich stattdessen an.",
    EMAIL_UNCHANGED: "Das ist bereits Ihre E-Mail-Adresse.",
    INVALID_PASSWORD: "Dieses Passwort ist falsch. Geben Sie Ihr aktuelles Passwort ein.",
    CONFIRMATION_MISMATCH: "Geben Sie Ihre E-Mail-Adresse genau so ein, wie sie lautet, um zu bestätigen.",
    INVALID_TOKEN: "Dieser Link ist ungültig. Fordern Sie einen neuen an.",
    TOKEN_EXPIRED: "Dieser Link ist abgelaufen oder wurde bereits verwendet. Fordern Sie einen neuen an.",
    USER_NOT_FOUND: "Dieses Konto gibt es nicht mehr.",
    SESSION_NOT_FOUND: "Diese Sitzung ist bereits beendet.",
    DEV_MAILBOX_DISABLED: "Das Entwicklungspostfach ist auf diesem Server nicht verfügbar.",
    MFA_REQUIRED:
      "Diese Organisation verlangt eine Anmeldung mit zwei Faktoren. Richten Sie eine Authenticator-App oder einen Passkey ein, um fortzufahren.",
    SESSION_POLICY_EXPIRED: "Diese Organisation verlangt, dass Sie sich erneut anmelden.",
    SIGN_IN_METHOD_NOT_ALLOWED:
      "Diese Organisation akzeptiert Ihre Anmeldeart nicht. Melden Sie sich ab und mit einer akzeptierten Methode wieder an.",
    POLICY_EXCLUDES_OWN_SIGN_IN:
      "Diese Richtlinie würde Ihre eigene Anmeldeart nicht akzeptieren. Nehmen Sie sie auf oder melden Sie sich zuerst mit einer akzeptierten an.",
    TWO_FACTOR_REQUIRED:
      "Geben Sie den Code Ihrer Authenticator-App ein oder verwenden Sie Ihren Passkey, um die Anmeldung abzuschließen.",
    INVALID_TWO_FACTOR_CODE:
      "Dieser Code stimmt nicht oder wurde schon verwendet. Geben Sie den aktuellen Code Ihrer App oder einen Wiederherstellungscode ein.",
    SIGN_IN_EXPIRED: "Die Anmeldung hat zu lange gedauert. Geben Sie E-Mail-Adresse und Passwort erneut ein.",
    TWO_FACTOR_ALREADY_ENABLED: "Für Ihr Konto ist bereits eine Authenticator-App eingerichtet.",
    TWO_FACTOR_NOT_ENABLED: "Für Ihr Konto ist keine Authenticator-App eingerichtet.",
    PASSKEY_NOT_FOUND: "Diesen Passkey gibt es in Ihrem Konto nicht mehr.",
    PASSKEY_REJECTED:
      "Dieser Passkey konnte nicht bestätigt werden. Versuchen Sie es erneut oder melden Sie sich anders an.",
    PASSKEY_CHALLENGE_EXPIRED: "Die Passkey-Anfrage ist abgelaufen. Versuchen Sie es erneut.",
    PASSKEY_ALREADY_REGISTERED: "Dieser Passkey ist bereits registriert.",
    ORG_NOT_FOUND: "Diese Organisation gibt es nicht, oder Sie sind kein Mitglied.",
    MEMBERSHIP_DEACTIVATED:
      "Ihre Mitgliedschaft in dieser Organisation ist deaktiviert. Bitten Sie eine Eigentümerin oder einen Eigentümer, sie zu reaktivieren.",
    PERMISSION_DENIED:
      "Ihre Rolle erlaubt das nicht. Fragen Sie eine Eigentümerin, einen Eigentümer oder die Administration.",
    SLUG_TAKEN:
      "Eine andere Organisation verwendet diesen Namen bereits in ihrer Adresse. Wählen Sie einen anderen Namen.",
    SINGLE_ORGANIZATION:
      "Ihr Konto kann nur einer Organisation angehören. Verlassen Sie zuerst die aktuelle.",
    SEAT_LIMIT:
      "In dieser Organisation sind keine Plätze mehr frei. Entfernen Sie jemanden oder fragen Sie nach mehr Plätzen.",
    LAST_OWNER:
      "Eine Organisation braucht immer mindestens einen aktiven Eigentümer. Machen Sie zuerst jemand anderen zum Eigentümer.",
    OWNER_REQUIRED: "Nur Eigentümer können die Mitgliedschaft eines anderen Eigentümers ändern.",
    ALREADY_OWNER: "Dieses Mitglied ist bereits Eigentümer.",
    NOT_A_MEMBER: "Diese Person ist kein aktives Mitglied der Organisation.",
    INVALID_NEW_OWNER: "Eigentum kann nur an eine andere aktive Person dieser Organisation gehen.",
    MEMBER_NOT_FOUND: "Diese Person ist kein Mitglied mehr. Die Liste wurde aktualisiert.",
    MEMBER_OUTRANKS_YOU:
      "Die Rolle dieses Mitglieds hat Berechtigungen, die Ihre nicht hat. Fragen Sie einen Eigentümer.",
    CANNOT_DEACTIVATE_SELF:
      "Sie können sich nicht selbst deaktivieren. Verlassen Sie stattdessen die Organisation.",
    TRANSFER_REQUIRED:
      "Einige dieser Mitglieder besitzen Ressourcen. Wählen Sie, wer sie übernimmt, und entfernen Sie dann erneut.",
    INVALID_TRANSFER_TARGET: "Ressourcen können nur an ein aktives Mitglied gehen, das nicht entfernt wird.",
    INVITATION_NOT_FOUND: "Diese Einladung gibt es nicht mehr.",
    INVITATION_NOT_PENDING: "Diese Einladung ist nicht mehr offen. Senden Sie stattdessen eine neue.",
    INVITATION_EXPIRED: "Diese Einladung ist abgelaufen. Bitten Sie die Organisation, sie erneut zu senden.",
    INVITATION_REVOKED: "Diese Einladung wurde zurückgezogen. Bitten Sie die Organisation um eine neue.",
    INVITATION_DECLINED: "Diese Einladung wurde abgelehnt. Bitten Sie die Organisation um eine neue.",
    INVITATION_ALREADY_ACCEPTED: "Diese Einladung wurde bereits angenommen.",
    ALREADY_MEMBER: "Sie sind bereits Mitglied dieser Organisation.",
    EMAIL_NOT_VERIFIED:
      "Bestätigen Sie Ihre E-Mail-Adresse mit dem Link, den wir Ihnen gesendet haben. Einladungen an sie erscheinen dann hier.",
    EMAIL_MISMATCH:
      "Diese Einladung ging an eine andere E-Mail-Adresse. Melden Sie sich mit dieser Adresse an, um sie anzunehmen.",
    ROLE_NOT_FOUND: "Diese Rolle gibt es nicht mehr. Laden Sie neu und wählen Sie eine andere.",
    ROLE_EXISTS: "Eine Rolle mit diesem Namen gibt es bereits. Wählen Sie einen anderen Namen.",
    ROLE_IN_USE:
      "Mitglieder oder Einladungen haben diese Rolle noch. Geben Sie ihnen zuerst eine andere Rolle.",
    ROLE_NOT_ALLOWED:
      "Sie können keine Rolle vergeben, die Berechtigungen hat, die Ihre eigene Rolle nicht hat.",
    BUILT_IN_ROLE: "Eingebaute Rollen können nicht geändert oder gelöscht werden.",
    INVALID_PERMISSION: "Eine dieser Berechtigungen gibt es nicht. Laden Sie neu und wählen Sie erneut.",
    WORKSPACE_NOT_FOUND: "Diesen Arbeitsbereich gibt es nicht mehr.",
    PARENT_NOT_FOUND: "Den übergeordneten Arbeitsbereich gibt es nicht mehr. Wählen Sie einen anderen.",
    WORKSPACE_NAME_TAKEN:
      "Ein anderer Arbeitsbereich hier hat bereits diesen Namen. Wählen Sie einen anderen Namen.",
    WORKSPACE_CYCLE:
      "Ein Arbeitsbereich kann nicht in sich selbst oder einem seiner eigenen Arbeitsbereiche liegen.",
    WORKSPACE_TOO_DEEP:
      "Arbeitsbereiche können nicht so tief verschachtelt werden. Wählen Sie einen höheren übergeordneten Bereich.",
    WORKSPACE_HAS_CHILDREN:
      "Dieser Arbeitsbereich enthält noch andere Arbeitsbereiche. Verschieben oder löschen Sie diese zuerst.",
    WORKSPACE_NOT_EMPTY:
      "Dieser Arbeitsbereich enthält noch Ressourcen. Verschieben oder löschen Sie diese zuerst.",
    GRANT_NOT_FOUND: "Dieser Zugriff wurde bereits entfernt.",
    OWNER_NOT_GRANTABLE: "Die Eigentümerrolle kann nicht für einen Arbeitsbereich vergeben werden.",
    GROUP_NOT_FOUND: "Diese Gruppe gibt es nicht mehr.",
    GROUP_NAME_TAKEN: "Eine andere Gruppe hat bereits diesen Namen. Wählen Sie einen anderen Namen.",
    GROUP_MEMBER_NOT_FOUND: "Diese Person ist nicht mehr in der Gruppe.",
    SERVICE_ACCOUNT_NOT_FOUND: "Dieses Dienstkonto gibt es nicht mehr.",
    API_KEY_NOT_FOUND: "Diesen API-Schlüssel gibt es nicht mehr.",
    OWNER_NOT_ALLOWED: "Ein Dienstkonto kann kein Eigentümer sein.",
    SETTING_NOT_FOUND: "Diese Einstellung ist nicht gesetzt.",
    SEALED_WITH_UNKNOWN_KEY:
      "Dies wurde mit einem Schlüssel gespeichert, den der Server nicht mehr hat. Legen Sie es neu an.",
    RESOURCE_NOT_FOUND: "Diese Ressource gibt es nicht mehr.",
    RESOURCE_TERMINATED: "Diese Ressource wurde beendet und kann nicht geändert werden.",
    CREDITS_EXHAUSTED:
      "Die Organisation hat kein Guthaben mehr. Laden Sie Guthaben auf und starten Sie erneut.",
    INVALID_STATE_TRANSITION:
      "Diese Ressource kann das in ihrem aktuellen Zustand nicht. Laden Sie die Seite neu.",
    INVALID_OWNER: "Ressourcen können nur einem aktiven Mitglied dieser Organisation gehören.",
    INVALID_RANGE: "Dieser Zeitraum ist ungültig. Wählen Sie einen Beginn vor dem Ende.",
    INVALID_CURSOR: "Diese Liste hat sich geändert. Laden Sie sie von vorn.",
    EMBED_SCOPE_MISSING: "Dieses Produkt darf das nicht. Wenden Sie sich an seine Administration.",
    EMBED_TOKEN_ORG_BOUND:
      "Dieses Produkt ist mit einer anderen Organisation verbunden und kann das hier nicht.",
    EMBED_LINK_REQUIRED:
      "Sie haben bereits ein Roster-Konto. Bestätigen Sie den Link, den wir Ihnen gesendet haben, um es zu verbinden.",
    EXTERNAL_ID_LINKED: "Dieses Konto ist bereits verbunden.",
    INVALID_HOST_URL: "Diese Adresse ist kein gültiger https-Link mit einem Platz für das Token.",
    REDIRECT_URL_NOT_ALLOWED: "Dieses Produkt darf niemanden an diese Adresse weiterleiten.",
    IDEMPOTENCY_KEY_REUSED:
      "Diese Anfrage wurde bereits verwendet, um etwas anderes zu erstellen. Versuchen Sie es erneut.",
    DELIVERY_NOT_FOUND: "Diese Zustellung gibt es nicht mehr.",
    EVENT_NOT_FOUND: "Dieses Ereignis gibt es nicht mehr.",
    INVALID_SCIM_TOKEN: "Dieses SCIM-Token ist ungültig oder widerrufen. Erstellen Sie ein neues.",
    SCIM_TOKEN_NOT_FOUND: "Dieses SCIM-Token gibt es nicht mehr.",
    SCIM_RESOURCE_EXISTS:
      "Jemand Bereitgestelltes hat bereits diesen Benutzernamen, diese externe ID oder Adresse.",
    OWNER_NOT_PROVISIONABLE:
      "Die Bereitstellung vergibt nie die Rolle Inhaber. Wählen Sie eine andere Rolle.",
    DOMAIN_NEEDS_VERIFIED_MEMBER:
      "Automatische Einladungen brauchen ein Mitglied mit bestätigter Adresse dieser Domain. Nutzen Sie Vorschläge, bis jemand beitritt.",
    JOIN_REQUEST_NOT_FOUND: "Diese Beitrittsanfrage gibt es nicht mehr.",
    SSO_REQUIRED:
      "Ihre Organisation meldet Sie über ihren Identitätsanbieter an. Wählen Sie „Mit SSO fortfahren“.",
    SSO_NOT_AVAILABLE:
      "Für diese E-Mail-Adresse ist keine Einmalanmeldung eingerichtet. Melden Sie sich mit Ihrem Passwort an.",
    SSO_CONNECTION_NOT_FOUND: "Diese Organisation hat keine SSO-Verbindung. Richten Sie zuerst eine ein.",
    INVALID_SSO_SETTINGS:
      "Eine Einstellung des Identitätsanbieters ist ungültig. Prüfen Sie die URLs und das Zertifikat.",
    SSO_PROVIDER_UNREACHABLE:
      "Der Identitätsanbieter war nicht erreichbar oder antwortete unerwartet. Prüfen Sie die Aussteller-URL.",
    SSO_FLOW_INVALID: "Diese Anmeldung ist nicht mehr gültig. Beginnen Sie erneut auf der Anmeldeseite.",
    SSO_NONCE_MISMATCH:
      "Die Antwort des Identitätsanbieters gehört nicht zu dieser Anmeldung. Beginnen Sie erneut.",
    SSO_SIGNATURE_INVALID:
      "Die Antwort des Identitätsanbieters ist nicht mit seinem Zertifikat signiert. Bitten Sie einen Admin, die Verbindung zu prüfen.",
    SSO_AUDIENCE_MISMATCH:
      "Die Antwort des Identitätsanbieters ist für eine andere Anwendung bestimmt. Bitten Sie einen Admin, die Entity-ID zu prüfen.",
    SSO_RECIPIENT_MISMATCH:
      "Der Identitätsanbieter hat diese Antwort an eine andere Adresse gesendet. Bitten Sie einen Admin, die ACS-URL zu prüfen.",
    SSO_ASSERTION_EXPIRED: "Die Antwort des Identitätsanbieters ist abgelaufen. Melden Sie sich erneut an.",
    SSO_ASSERTION_REPLAYED: "Diese Anmeldeantwort wurde bereits verwendet. Melden Sie sich erneut an.",
    SSO_RESPONSE_INVALID:
      "Die Antwort des Identitätsanbieters wurde nicht akzeptiert. Beginnen Sie erneut oder bitten Sie einen Admin, die Verbindung zu testen.",
    SSO_EMAIL_NOT_ALLOWED:
      "Der Identitätsanbieter nannte eine E-Mail-Adresse außerhalb der bestätigten Domains dieser Organisation.",
    SOCIAL_PROVIDER_NOT_CONFIGURED:
      "Die Anmeldung mit diesem Anbieter wird hier nicht angeboten. Melden Sie sich anders an.",
    SOCIAL_FLOW_INVALID:
      "Diese Anmeldung ist nicht mehr gültig (abgelaufen oder schon verwendet). Beginnen Sie erneut.",
    SOCIAL_RESPONSE_INVALID: "Die Antwort des Anbieters konnte nicht angenommen werden. Beginnen Sie erneut.",
    SOCIAL_EMAIL_NOT_VERIFIED:
      "Der Anbieter hat Ihre E-Mail-Adresse nicht bestätigt. Bestätigen Sie sie dort oder melden Sie sich anders an.",
    SOCIAL_LINK_PROOF_REQUIRED:
      "Es gibt bereits ein Konto mit dieser E-Mail-Adresse. Melden Sie sich anders an und verknüpfen Sie den Anbieter dann in den Sicherheitseinstellungen Ihres Kontos.",
    SOCIAL_IDENTITY_TAKEN: "Dieses Anbieterkonto ist bereits mit einem anderen Roster-Konto verknüpft.",
    SOCIAL_IDENTITY_NOT_FOUND: "Dieses verknüpfte Konto gibt es nicht mehr. Laden Sie die Seite neu.",
    LAST_SIGN_IN_METHOD:
      "Dies ist Ihre einzige Anmeldemöglichkeit. Legen Sie zuerst ein Passwort fest, fügen Sie einen Passkey hinzu oder verknüpfen Sie ein anderes Konto.",
    JOIN_REQUEST_CLOSED:
      "Diese Beitrittsanfrage wurde bereits beantwortet oder zurückgezogen. Laden Sie die Seite neu.",
    WEBHOOK_NOT_FOUND: "Diesen Webhook gibt es nicht mehr.",
    WEBHOOK_LIMIT: "Diese Organisation hat so viele Webhooks wie erlaubt. Löschen Sie zuerst einen.",
    DOMAIN_NOT_FOUND: "Diese Domain gehört nicht mehr zu dieser Organisation.",
    INVALID_DOMAIN: "Geben Sie einen Domainnamen ein, z. B. example.com.",
    PUBLIC_MAIL_DOMAIN: "Öffentliche E-Mail-Domains wie gmail.com können keiner Organisation gehören.",
    DOMAIN_ALREADY_ADDED: "Diese Organisation hat diese Domain bereits.",
    DOMAIN_TAKEN: "Eine andere Organisation hat diese Domain bereits bestätigt.",
    DOMAIN_LIMIT: "Diese Organisation hat so viele Domains wie erlaubt. Entfernen Sie zuerst eine.",
    DOMAIN_NOT_VERIFIED:
      "Der TXT-Eintrag wurde noch nicht gefunden. DNS-Änderungen können dauern; versuchen Sie es später erneut.",
    DOMAIN_ADDRESS_REQUIRED:
      "Nur ein Eigentümer mit einer bestätigten E-Mail-Adresse dieser Domain kann sie so bestätigen.",
    INVALID_WEBHOOK_URL:
      "Diese Webhook-Adresse kann nicht verwendet werden. Verwenden Sie eine öffentliche https-Adresse.",
  },
  formatDate: (iso) => date.format(new Date(iso)),
  status: { invited: "Eingeladen", active: "Aktiv", deactivated: "Deaktiviert", expired: "Abgelaufen" },
  loading: "Wird geladen…",
  retry: "Erneut versuchen",
  cancel: "Abbrechen",
  close: "Schließen",
  working: "Einen Moment…",
  membersTitle: "Mitglieder",
  search: "Suche",
  searchPlaceholder: "Name oder E-Mail",
  statusFilter: "Status",
  allStatuses: "Alle Status",
  roleFilter: "Rolle",
  allRoles: "Alle Rollen",
  columnName: "Name",
  columnRole: "Rolle",
  columnStatus: "Status",
  columnDate: "Beigetreten",
  columnActions: "Aktionen",
  selectAll: "Alle angezeigten Mitglieder auswählen",
  selectMember: (name) => `${name} auswählen`,
  you: "(Sie)",
  serviceAccount: "Dienstkonto",
  joinedOn: (d) => d,
  invitedOn: (d) => `Eingeladen am ${d}`,
  expiredOn: (d) => `Abgelaufen am ${d}`,
  loadingMembers: "Mitglieder werden geladen…",
  noMembers: "Noch keine Mitglieder.",
  noMatches: "Niemand passt zu diesen Filtern.",
  loadMore: "Mehr laden",
  selectedCount: (n) => `${n} ausgewählt`,
  removeSelected: "Ausgewählte entfernen",
  clearSelection: "Auswahl aufheben",
  changeRole: "Rolle ändern",
  deactivate: "Deaktivieren",
  reactivate: "Reaktivieren",
  remove: "Entfernen",
  resend: "Erneut senden",
  revoke: "Widerrufen",
  copyLink: "Link kopieren",
  changeRoleTitle: (name) => `Rolle von ${name} ändern`,
  newRole: "Neue Rolle",
  save: "Speichern",
  deactivateTitle: (name) => `${name} deaktivieren?`,
  deactivateBody:
    "Platz und Rolle bleiben erhalten, aber jeder Zugriff endet, bis jemand reaktiviert. Das lässt sich rückgängig machen.",
  removeTitle: (count, name) => (count === 1 ? `${name} entfernen?` : `${count} Mitglieder entfernen?`),
  removeBody:
    "Der Zugriff endet sofort und die Organisation wird verlassen. Das lässt sich nicht rückgängig machen.",
  transferLabel: "Wer übernimmt die Ressourcen?",
  ownsResources: (names: string[]) =>
    `${names.length === 1 ? "Eine Ressource gehört ihnen" : `${names.length} Ressourcen gehören ihnen`}: ${names.join(", ")}.`,
  removedWithHandover: (count: number, moved: number, heir: string) =>
    `${count === 1 ? "1 Mitglied wurde entfernt" : `${count} Mitglieder wurden entfernt`}; ${moved === 1 ? "1 Ressource ging" : `${moved} Ressourcen gingen`} an ${heir}.`,
  transferAndRemove: "Übertragen und entfernen",
  revokeTitle: (email) => `Einladung an ${email} widerrufen?`,
  revokeBody: "Der Link in der E-Mail funktioniert dann nicht mehr. Sie können später erneut einladen.",
  roleChanged: (name, role) => `${name} ist jetzt ${role}.`,
  deactivated: (name) => `${name} wurde deaktiviert.`,
  reactivated: (name) => `${name} wurde reaktiviert.`,
  removed: (count) => (count === 1 ? "1 Mitglied wurde entfernt." : `${count} Mitglieder wurden entfernt.`),
  resent: (email) => `Die Einladung an ${email} wurde erneut gesendet.`,
  resendTooSoon: (email, when) =>
    `Die Einladung an ${email} wurde in der letzten Stunde mehrmals gesendet. Sie können sie ${when} erneut senden.`,
  formatRetry: (seconds) => retryWhen("de", seconds),
  declinedTitle: "Abgelehnte Einladungen",
  declinedInvitation: (email, role, date) =>
    `${email} hat die Einladung abgelehnt, als ${role} beizutreten (eingeladen am ${date}).`,
  revoked: (email) => `Die Einladung an ${email} wurde widerrufen.`,
  linkCopied: "Der Einladungslink wurde kopiert.",
  linkNotCopied: (url) => `Kopieren Sie diesen Link: ${url}`,
  inviteTitle: "Personen einladen",
  emailsLabel: "E-Mail-Adressen",
  emailsHint: "Trennen Sie Adressen mit Kommas, Leerzeichen oder Zeilenumbrüchen.",
  emailsToInvite: "Einzuladende Adressen",
  removeEmail: (email) => `${email} entfernen`,
  invalidEmail: "keine gültige Adresse",
  invalidCount: (n) =>
    n === 1
      ? "1 Adresse ist ungültig und wird nicht eingeladen."
      : `${n} Adressen sind ungültig und werden nicht eingeladen.`,
  inviteRole: "Rolle",
  sendInvitations: "Einladungen senden",
  noEmails: "Geben Sie mindestens eine E-Mail-Adresse ein.",
  inviteResults: "Ergebnisse",
  result: {
    invited: "Eingeladen",
    already_member: "Bereits Mitglied",
    already_invited: "Bereits eingeladen",
    invalid: "Keine gültige Adresse",
  },
  invitationNow: {
    pending: "Eingeladen",
    expired: "Abgelaufen",
    accepted: "Angenommen",
    declined: "Abgelehnt",
    revoked: "Widerrufen",
  },
  sentTimes: (count) => `${count}-mal gesendet`,
  invitedSummary: (invited, total) =>
    `${invited} von ${total} ${total === 1 ? "Adresse wurde" : "Adressen wurden"} eingeladen.`,
  cannotInvite: "Ihre Rolle erlaubt keine Einladungen.",
  invitationsTitle: "Einladungen",
  invitationText: (inviter, organization, role) =>
    inviter
      ? `${inviter} hat Sie eingeladen, ${organization} als ${role} beizutreten.`
      : `Sie sind eingeladen, ${organization} als ${role} beizutreten.`,
  accept: "Annehmen",
  decline: "Ablehnen",
  accepted: (organization) => `Sie sind ${organization} beigetreten.`,
  declined: (organization) => `Sie haben die Einladung zu ${organization} abgelehnt.`,
  joinTitle: (organization) => `${organization} beitreten`,
  invitationFor: (email) => `Diese Einladung gilt für ${email}.`,
  signInToAccept: "Melden Sie sich mit dieser Adresse an, um die Einladung anzunehmen.",
  signUpToAccept: "Erstellen Sie Ihr Konto mit dieser Adresse, um die Einladung anzunehmen.",
  signIn: "Anmelden",
  signUp: "Konto erstellen",
  signedInAsOther: (email) =>
    `Sie sind als ${email} angemeldet. Melden Sie sich mit der eingeladenen Adresse an, um anzunehmen.`,
  signInOther: "Mit einem anderen Konto anmelden",
  loadingInvitation: "Einladung wird geladen…",
  organization: "Organisation",
  switchOrganization: "Organisation wechseln",
  manageOrganization: "Organisation verwalten",
  noOrganizations: "Sie gehören noch keiner Organisation an.",
  switched: (name) => `Zu ${name} gewechselt.`,
  createTitle: "Organisation erstellen",
  organizationName: "Name der Organisation",
  create: "Organisation erstellen",
  created: (name) => `${name} wurde erstellt.`,
  nameRequired: "Geben Sie einen Namen für die Organisation ein.",
  roles: { owner: "Eigentümer", admin: "Admin", member: "Mitglied", viewer: "Betrachter" },
  profileTitle: "Einstellungen der Organisation",
  slugLabel: "URL-Name",
  slugHint: "Kleinbuchstaben, Ziffern und Bindestriche.",
  logoUrlLabel: "Logo-URL",
  logoAlt: (name) => `Logo von ${name}`,
  saveChanges: "Änderungen speichern",
  saved: "Änderungen gespeichert.",
  noChanges: "Es hat sich nichts geändert.",
  readOnlyProfile: "Ihre Rolle erlaubt nicht, diese Einstellungen zu ändern.",
  transferTitle: "Eigentum übertragen",
  transferBody: "Machen Sie ein anderes Mitglied zum Eigentümer dieser Organisation.",
  newOwner: "Neuer Eigentümer",
  chooseMember: "Mitglied wählen",
  transfer: "Übertragen",
  transferConfirmTitle: (name) => `${name} zum Eigentümer machen?`,
  transferConfirmBody:
    "Damit erhält die Person die volle Kontrolle über die Organisation, auch über ihre Löschung.",
  transferred: (name) => `${name} ist jetzt Eigentümer.`,
  leaveTitle: "Organisation verlassen",
  leaveBody: "Sie verlieren den Zugriff auf diese Organisation, bis Sie jemand erneut einlädt.",
  leave: "Verlassen",
  leaveConfirmTitle: (name) => `${name} verlassen?`,
  left: (name) => `Sie haben ${name} verlassen.`,
  deleteTitle: "Organisation löschen",
  deleteBody:
    "Löscht die Organisation, den Zugriff ihrer Mitglieder, Rollen, Einstellungen und das Audit-Log. Das lässt sich nicht rückgängig machen.",
  deleteOrganization: "Organisation löschen",
  deleteConfirmTitle: (name) => `${name} löschen?`,
  deleteConfirmLabel: (name) => `Geben Sie ${name} zur Bestätigung ein`,
  deleted: (name) => `${name} wurde gelöscht.`,
  loadingOrganization: "Organisation wird geladen…",
  apiKeysTitle: "API-Schlüssel",
  serviceAccountsIntro:
    "Dienstkonten sind Mitglieder, die keine Personen sind. Ihre API-Schlüssel rufen Roster in ihrem Namen auf.",
  noServiceAccounts: "Noch keine Dienstkonten.",
  loadingServiceAccounts: "Dienstkonten werden geladen…",
  columnKeys: "Schlüssel",
  keyCount: (n) => (n === 1 ? "1 Schlüssel" : `${n} Schlüssel`),
  newServiceAccount: "Neues Dienstkonto",
  serviceAccountName: "Name",
  createServiceAccount: "Dienstkonto erstellen",
  serviceAccountCreated: (name) => `${name} wurde erstellt.`,
  showKeys: (name) => `Schlüssel von ${name}`,
  deleteServiceAccount: (name) => `${name} entfernen`,
  deleteServiceAccountTitle: (name) => `${name} löschen?`,
  deleteServiceAccountBody:
    "Seine Schlüssel funktionieren sofort nicht mehr. Das lässt sich nicht rückgängig machen.",
  serviceAccountDeleted: (name) => `${name} wurde gelöscht.`,
  keysOf: (name) => `API-Schlüssel von ${name}`,
  noKeys: "Noch keine Schlüssel.",
  columnKey: "Schlüssel",
  columnCreated: "Erstellt",
  columnLastUsed: "Zuletzt verwendet",
  never: "Nie",
  revokedOn: (d) => `Widerrufen am ${d}`,
  keyName: "Name des Schlüssels",
  keyNameHint: "Wo der Schlüssel verwendet wird, z. B. „CI“.",
  createKey: "Schlüssel erstellen",
  newKeyTitle: "Ihr neuer API-Schlüssel",
  newKeyBody: "Kopieren Sie ihn jetzt: Er wird nur einmal angezeigt. Bewahren Sie ihn als Geheimnis auf.",
  copyKey: "Schlüssel kopieren",
  keyCopied: "Der Schlüssel wurde kopiert.",
  keyNotCopied: "Markieren Sie den Schlüssel und kopieren Sie ihn.",
  done: "Fertig",
  revokeKey: (name) => `${name} widerrufen`,
  revokeKeyTitle: (name) => `Schlüssel ${name} widerrufen?`,
  revokeKeyBody:
    "Alles, was ihn verwendet, wird ab jetzt abgewiesen. Das lässt sich nicht rückgängig machen.",
  keyRevoked: (name) => `Der Schlüssel ${name} wurde widerrufen.`,
  keyCreated: (name) => `Der Schlüssel ${name} wurde erstellt.`,
  cannotManageKeys: "Ihre Rolle erlaubt nicht, Dienstkonten und Schlüssel zu verwalten.",
  auditTitle: "Audit-Log",
  actorFilter: "Akteur",
  anyone: "Alle",
  actionFilter: "Aktion",
  actionPlaceholder: "z. B. member.joined",
  targetFilter: "Zieltyp",
  anyTarget: "Alle Ziele",
  fromDate: "Von",
  toDate: "Bis",
  clearFilters: "Filter zurücksetzen",
  allTargets: "Alle Ziele anzeigen",
  onlyTarget: (target) => `Nur ${target}`,
  showOnlyTarget: (target) => `Nur Einträge zu ${target} anzeigen`,
  columnWhen: "Wann",
  columnActor: "Akteur",
  columnAction: "Aktion",
  columnTarget: "Ziel",
  columnWhat: "Was geschah",
  auditSentences: {
    "member.invited": (p) => `${p.actor} hat ${p.target} als ${p.role} eingeladen`,
    "member.joined": (p) => `${p.target} ist als ${p.role} beigetreten`,
    "member.role_changed": (p) =>
      `${p.actor} hat die Rolle von ${p.target} von ${p.from} zu ${p.to} geändert`,
    "member.deactivated": (p) => `${p.actor} hat ${p.target} deaktiviert`,
    "member.reactivated": (p) => `${p.actor} hat ${p.target} reaktiviert`,
    "member.removed": (p) =>
      `${p.actor} hat ${p.target} entfernt${p.person ? `; ${p.person} hat die Ressourcen übernommen` : ""}`,
    "member.left": (p) =>
      `${p.target} hat die Organisation verlassen${p.person ? `; ${p.person} hat die Ressourcen übernommen` : ""}`,
    "invitation.resent": (p) => `${p.actor} hat die Einladung an ${p.target} erneut gesendet`,
    "invitation.revoked": (p) => `${p.actor} hat die Einladung an ${p.target} zurückgezogen`,
    "invitation.declined": (p) => `${p.target} hat die Einladung abgelehnt`,
    "org.ownership_transferred": (p) => `${p.actor} hat ${p.target} zum Inhaber gemacht`,
    "resource.created": (p) => `${p.actor} hat ${p.target} erstellt`,
    "resource.deleted": (p) => `${p.actor} hat ${p.target} gelöscht`,
    "resource.state_changed": (p) =>
      `${p.actor} hat ${p.target} ${p.verb}${p.person ? ` (Laufzeit berechnet an ${p.person})` : ""}`,
    "resource.transferred": (p) => `${p.target} ging von ${p.from} an ${p.to}`,
    "credits.granted": (p) => `${p.actor} hat ${p.amount} Guthaben hinzugefügt`,
  },
  resourceVerbs: { start: "gestartet", stop: "gestoppt", terminate: "beendet" },
  formerMember: "ein ehemaliges Mitglied",
  system: "Roster",
  loadingAudit: "Audit-Log wird geladen…",
  noEvents: "Noch nichts aufgezeichnet.",
  noEventsMatch: "Keine Einträge passen zu diesen Filtern.",
  formatDateTime: (iso) => dateTime.format(new Date(iso)),
};
