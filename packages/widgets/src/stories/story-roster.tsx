import { type ReactNode, useState } from "react";
import { RosterProvider, type RosterTheme } from "../provider.js";
import { fixtureFetch, type Scenario } from "./fixtures.js";

/** A provider for stories: canned answers, a fresh cache per story, and a theme. */
export function StoryRoster(props: { scenario: Scenario; theme?: RosterTheme; children: ReactNode }) {
  const [fetchImpl] = useState(() => fixtureFetch(props.scenario));
  return (
    <RosterProvider
      url="https://roster.example"
      token="story-token"
      fetch={fetchImpl}
      theme={props.theme ?? "light"}
    >
      {props.children}
    </RosterProvider>
  );
}

/** The decorator every story file uses: `parameters.scenario` and `parameters.theme` pick the data and look. */
export const withScenario = (
  Story: () => ReactNode,
  context: { parameters: { scenario?: Scenario; theme?: RosterTheme } },
) => (
  <StoryRoster scenario={context.parameters.scenario ?? {}} theme={context.parameters.theme ?? "light"}>
    <Story />
  </StoryRoster>
);
