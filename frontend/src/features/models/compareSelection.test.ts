import { describe, expect, it } from "vitest";
import { compareBlocker, compareUrl, pickRefusal, togglePick, type Picked } from "./compareSelection";

const gan = (id: string): Picked => ({ id, kind: "timegan" });

describe("compare picks", () => {
  it("needs at least 2 models", () => {
    expect(compareBlocker([])).toMatch(/Pick 2-5/);
    expect(compareBlocker([gan("a")])).toMatch(/Pick 2-5/);
    expect(compareBlocker([gan("a"), gan("b")])).toBeNull();
  });

  it("refuses a sixth model and leaves the five picked", () => {
    const five = ["a", "b", "c", "d", "e"].map(gan);
    expect(pickRefusal(five, gan("f"))).toMatch(/At most 5/);
    expect(togglePick(five, gan("f"))).toEqual(five);
    expect(compareBlocker(five)).toBeNull();
  });

  it("refuses a model of another kind", () => {
    const picked = [gan("a")];
    expect(pickRefusal(picked, { id: "x", kind: "brits" })).toMatch(/one kind.*timegan/);
    expect(togglePick(picked, { id: "x", kind: "brits" })).toEqual(picked);
  });

  it("unpicks a picked model, and then any kind may start a new set", () => {
    const picked = togglePick([gan("a")], gan("a"));
    expect(picked).toEqual([]);
    expect(togglePick(picked, { id: "x", kind: "brits" })).toEqual([{ id: "x", kind: "brits" }]);
  });

  it("links the compare page with the ids in pick order", () => {
    expect(compareUrl([gan("b"), gan("a")])).toBe("/models/compare?ids=b,a");
  });
});
