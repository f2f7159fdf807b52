import { useRef, useState, type DragEvent } from "react";
import { uploadDataset } from "../../api/datasets";
import type { Dataset } from "../../api/types";
import { formatBytes } from "../../lib/format";
import { useAction } from "../../lib/useAction";
import { ErrorMessage, ProgressBar } from "../ui/Status";

const ACCEPT = ".csv,.tsv,.json,.jsonl,.ndjson,.txt,text/csv,application/json";

/** Drag a file here or pick one; shows upload progress and the server's error in words. */
export function UploadDropzone({ onUploaded }: { onUploaded: (dataset: Dataset) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  const upload = async (file: File) => {
    setFileName(file.name);
    setProgress({ loaded: 0, total: file.size });
    await run(async () => onUploaded(await uploadDataset(file, setProgress)));
    // run never rejects: the upload is over, whether it worked or not.
    setProgress(null);
    if (input.current) input.current.value = "";
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files?.[0];
    if (file && !busy) void upload(file);
  };

  return (
    <section aria-labelledby="upload-heading" className="card">
      <h2 id="upload-heading">Upload a dataset</h2>
      <div
        className={`dropzone${dragging ? " dropzone-active" : ""}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <p>Drop a CSV, TSV, JSON or JSON Lines file here, or</p>
        <label className="button">
          Choose a file
          <input
            ref={input}
            type="file"
            accept={ACCEPT}
            className="visually-hidden"
            aria-label="Choose a file to upload"
            disabled={busy}
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) void upload(file);
            }}
          />
        </label>
      </div>
      {progress && (
        <div className="upload-progress" aria-live="polite">
          <span>
            Uploading {fileName} ({formatBytes(progress.loaded)} of {formatBytes(progress.total)})
          </span>
          <ProgressBar value={progress.loaded} max={progress.total || 1} label={`Uploading ${fileName}`} />
        </div>
      )}
      {error ? (
        <div>
          <strong>Upload of {fileName} failed:</strong> <ErrorMessage error={error} />
        </div>
      ) : null}
    </section>
  );
}
