/** What a console password must be: said in every form that sets one and checked by the server. */
export const PASSWORD_RULE = { minLength: 12, maxLength: 1024 } as const;

export const passwordRuleText = `At least ${PASSWORD_RULE.minLength} characters.`;
