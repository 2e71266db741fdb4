import type { policiesLabels } from "../../labels-policies.js";

const methodName: Partial<Record<string, string>> = {
  password: "パスワード",
  passkey: "パスキー",
  sso: "シングルサインオン",
  google: "Google",
  github: "GitHub",
  microsoft: "Microsoft",
};

export const jaPolicies: typeof policiesLabels = {
  policiesTitle: "サインインポリシー",
  loadingPolicies: "サインインポリシーを読み込んでいます…",
  cannotManagePolicies: "あなたのロールではサインインポリシーを変更できません。",
  twoFactorPolicyTitle: "2 段階サインイン",
  requireTwoFactor: "メンバーに 2 段階サインインを必須にする",
  requireTwoFactorHint:
    "認証アプリやパスキーを持たないメンバーは、この組織で操作する前にどちらかを設定するよう求められます。先にご自身のアカウントで 2 段階サインインを有効にしてください。",
  twoFactorRequired: "メンバーに 2 段階サインインが必須になりました。",
  twoFactorNotRequired: "メンバーに 2 段階サインインは必須ではなくなりました。",
  twoFactorPolicyNeedsOwn:
    "何も変更されていません。メンバーに必須にする前に、ご自身のアカウントで 2 段階サインインを有効にし、それを使ってサインインしてください。",
  sessionPolicyTitle: "セッションとサインイン方法",
  sessionPolicyIntro:
    "セッションがこれより古い、これより長く操作がない、または別の方法でサインインしたメンバーは、この組織で操作する前にもう一度サインインするよう求められます。他の組織には影響しません。オーナーは方法にかかわらず常にサインインできます。",
  sessionLifetime: "セッションの有効期間（分）",
  sessionLifetimeHint: (min, maxDays) => `${min} 分から ${maxDays} 日まで。空欄: 制限なし。`,
  idleTimeout: "アイドルタイムアウト（分）",
  idleTimeoutHint: (min, maxDays) => `${min} 分から ${maxDays} 日まで。空欄: 制限なし。`,
  minutesNotWhole: "分数を整数で入力するか、制限しない場合は空欄にしてください。",
  lifetimeTooShort: (min) => `セッションの有効期間は ${min} 分以上です。`,
  lifetimeTooLong: (max, days) => `セッションの有効期間は ${max} 分（${days} 日）以下です。`,
  idleTooShort: (min) => `アイドルタイムアウトは ${min} 分以上です。`,
  idleTooLong: (max, days) => `アイドルタイムアウトは ${max} 分（${days} 日）以下です。`,
  allowedMethods: "受け付けるサインイン方法",
  allowedMethodsHint: "すべてにチェックすると、どのサインイン方法も受け付けます。",
  signInMethodNames: {
    password: "パスワード",
    passkey: "パスキー",
    sso: "シングルサインオン",
    google: "Google",
    github: "GitHub",
    microsoft: "Microsoft",
  },
  noMethodAllowed: "少なくとも 1 つのサインイン方法を受け付けてください。",
  ownSignInExcluded: (method) =>
    `あなたは${methodName[method] ?? method}でサインインしていますが、このポリシーではその方法を受け付けません。その方法を含めるか、先に受け付ける方法でサインインしてください。`,
  saveSignInPolicy: "サインインポリシーを保存",
  signInPolicySaved: "サインインポリシーを保存しました。",
  signInPolicySavedSignInAgain:
    "サインインポリシーを保存しました。ご自身のセッションはここでの制限を超えています。続けるにはもう一度サインインしてください。",
};
