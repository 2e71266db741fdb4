import { router } from "../trpc.js";
import { authRouter } from "./auth.js";
import { devRouter } from "./dev.js";

export const appRouter = router({
  auth: authRouter,
  dev: devRouter,
});

export type AppRouter = typeof appRouter;
