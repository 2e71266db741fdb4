import { RosterProvider } from "@roster/widgets";
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import { preloadFirstPage } from "./preload";
import { Router } from "./router";
import { createQueryClient, TRPCProvider, trpcClient } from "./trpc";
import { ToastProvider } from "./ui";
import "@roster/widgets/styles.css";
import "./styles.css";

const queryClient = createQueryClient();
preloadFirstPage(trpcClient, queryClient, window.location.pathname);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <RosterProvider url={window.location.origin} queryClient={queryClient}>
          <ToastProvider>
            <Router>
              <App />
            </Router>
          </ToastProvider>
        </RosterProvider>
      </TRPCProvider>
    </QueryClientProvider>
  </StrictMode>,
);
