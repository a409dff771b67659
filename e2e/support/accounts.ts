// Credentials the e2e server starts with (LLMLB_ADMIN_EMAIL / _PASSWORD / _KEY).
export const admin = { email: "admin@example.com", password: "e2e-admin-password-42" };
export const adminApiKey = "e2e-bootstrap-admin-key-0123456789";
export const viewer = { email: "viewer@example.com", password: "e2e-viewer-password-42" };
