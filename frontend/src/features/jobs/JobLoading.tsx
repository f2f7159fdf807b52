import { ErrorMessage, Loading } from "../ui/Status";

/** What a job panel shows until its job has loaded: why it could not, or a spinner. */
export function JobLoading({ error, label = "Loading job…" }: { error: unknown; label?: string }) {
  return error ? <ErrorMessage error={error} /> : <Loading label={label} />;
}
