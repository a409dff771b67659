import { passwordRuleText } from "@/lib/users/password-rule";
import { Field, TextInput } from "../ui/field";

/**
 * A password input that says the rule under it and shows the server's message about
 * it there, instead of leaving the rule to the browser's tooltip.
 */
export function PasswordField({
  id,
  name,
  label,
  error,
  rule = true,
  autoComplete = "new-password",
}: {
  id: string;
  name: string;
  label: string;
  error?: string;
  /** Off for a field that checks an existing password (the current one). */
  rule?: boolean;
  autoComplete?: "new-password" | "current-password";
}) {
  // The server's message replaces the rule under the field (it says the rule again when it is about it).
  const hint = rule && !error ? passwordRuleText : undefined;
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <Field id={id} label={label} hint={hint}>
      <TextInput
        id={id}
        name={name}
        type="password"
        required
        autoComplete={autoComplete}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
      {error ? (
        <p
          id={`${id}-error`}
          role="alert"
          data-testid="field-error"
          className="text-xs font-medium text-red-700 dark:text-red-400"
        >
          {error}
        </p>
      ) : null}
    </Field>
  );
}

/** The message for `field` when the last answer was a failure about it. */
export function fieldError(answer: { ok: boolean; field?: string; error?: string } | null, field: string) {
  return answer && !answer.ok && answer.field === field ? answer.error : undefined;
}
