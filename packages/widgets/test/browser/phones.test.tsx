import { composeStories } from "@storybook/react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { page } from "vitest/browser";
import { cleanup } from "./render.js";

type StoryModule = Parameters<typeof composeStories>[0];
type RunnableStory = { run: (context: { canvasElement: HTMLElement }) => Promise<void> };
const modules = import.meta.glob<StoryModule>("../../src/**/*.stories.tsx", { eager: true });
const stories = Object.entries(modules).flatMap(([file, module]) =>
  (Object.entries(composeStories(module)) as [string, RunnableStory][]).map(([name, Story]) => ({
    id: `${file.replace(/^.*\/(.*)\.stories\.tsx$/, "$1")} › ${name}`,
    Story,
  })),
);

const WIDTH = 360;
/** Widgets that show nothing while they load or when there is nothing to offer. */
const rendersNothing = new Set([
  "accept-banner › Empty",
  "accept-banner › Loading",
  "join-organization › Empty",
]);

/** Elements reaching past the right edge, except inside a box that scrolls sideways on purpose. */
function sticksOut(root: HTMLElement): string[] {
  const scrolls = (el: Element) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  return [...root.querySelectorAll<HTMLElement>("*")]
    .filter((el) => {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.right <= window.innerWidth + 0.5) return false;
      for (let p = el.parentElement; p && p !== root; p = p.parentElement) if (scrolls(p)) return false;
      return true;
    })
    .map(
      (el) =>
        `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`,
    );
}

beforeAll(() => page.viewport(WIDTH, 740));
afterAll(cleanup);

describe(`every widget at ${WIDTH} px`, () => {
  it.each(stories)("$id fits the width, nothing cut off", async ({ id, Story }) => {
    const canvasElement = document.createElement("div");
    document.body.append(canvasElement);
    await Story.run({ canvasElement });
    // Settled: the widget has rendered and (but in the stories of loading) nothing in it still loads.
    if (!rendersNothing.has(id)) {
      await expect.poll(() => canvasElement.querySelector(".roster-widget")).not.toBeNull();
    }
    if (!id.endsWith("Loading")) {
      await expect
        .poll(() => canvasElement.querySelectorAll('[aria-busy="true"], [data-status="loading"]').length)
        .toBe(0);
    }
    expect(window.innerWidth).toBe(WIDTH);
    expect(document.documentElement.scrollWidth).toBeLessThanOrEqual(WIDTH);
    expect(sticksOut(canvasElement)).toEqual([]);
    canvasElement.remove();
  });
});
