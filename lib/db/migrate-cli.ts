// npm run db:migrate – apply pending migrations to DATABASE_URL, or to the embedded database.
import { openDatabase } from "./open";

const database = await openDatabase({ migrate: true });
console.log(`migrations applied (${database.kind})`);
await database.close();
