interface Window {
  __insightRedraws?: { ms: number; points: number }[];
  __xss?: unknown;
}
