interface Window {
  __insightRedraws?: { ms: number; points: number }[];
}
