/** The rules for picking models to compare: 2-5 of one kind (the compare endpoint's own limits, said before asking it). */
export const MIN_COMPARE = 2;
export const MAX_COMPARE = 5;

export interface Picked {
  id: string;
  kind: string;
}

/** Why a model cannot be added to the picks, or null when it can. */
export function pickRefusal(picked: readonly Picked[], candidate: Picked): string | null {
  if (picked.some((p) => p.id === candidate.id)) return null;
  if (picked.length >= MAX_COMPARE) return `At most ${MAX_COMPARE} models can be compared.`;
  const kind = picked[0]?.kind;
  if (kind && kind !== candidate.kind) return `Only models of one kind compare: these are ${kind}.`;
  return null;
}

/** Adds or removes `model`; an add that breaks the rules leaves the picks as they were. */
export function togglePick(picked: readonly Picked[], model: Picked): Picked[] {
  if (picked.some((p) => p.id === model.id)) return picked.filter((p) => p.id !== model.id);
  return pickRefusal(picked, model) ? [...picked] : [...picked, model];
}

/** What stands between the picks and a comparison, or null when Compare can go. */
export function compareBlocker(picked: readonly Picked[]): string | null {
  if (picked.length < MIN_COMPARE) return `Pick ${MIN_COMPARE}-${MAX_COMPARE} models of one kind to compare.`;
  return null;
}

export const compareUrl = (picked: readonly Picked[]) => `/models/compare?ids=${picked.map((p) => encodeURIComponent(p.id)).join(",")}`;
