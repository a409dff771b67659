import type { ActivityAction } from "@/lib/api/activity-schemas";

/** How the page names each action and group. */
export const actionLabels: Record<ActivityAction, string> = {
  "model.registered": "Model registered",
  "model.deleted": "Model deleted",
  "model.follow_changed": "Follow policy changed",
  "model.update_staged": "Update staged",
  "model.promoted": "Update promoted",
  "model.rolled_back": "Rolled back",
  "model.update_cancelled": "Update cancelled",
  "key.created": "Key created",
  "key.revoked": "Key revoked",
  "user.created": "User added",
  "user.role_changed": "Role changed",
  "user.disabled": "User disabled",
  "user.enabled": "User enabled",
  "user.password_reset": "Password reset",
  "user.password_changed": "Own password changed",
  "user.deleted": "User deleted",
  "node.forgotten": "Node forgotten",
  sign_in: "Sign-in",
  "sign_in.locked_out": "Sign-in locked out",
};

export const groupLabels = {
  model: "Models",
  key: "API keys",
  user: "Users",
  node: "Nodes",
  sign_in: "Sign-ins",
} as const;
