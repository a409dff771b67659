// GET, POST /api/auth/* – next-auth's own endpoints (session, CSRF, sign-out)
export { GET, POST } from "@/lib/auth/auth";
