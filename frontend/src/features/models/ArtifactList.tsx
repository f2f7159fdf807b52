import { downloadArtifact, type ArtifactFile } from "../../api/models";
import { saveBlob } from "../../lib/download";
import { formatBytes } from "../../lib/format";
import { useAction } from "../../lib/useAction";
import { Empty, ErrorMessage } from "../ui/Status";

/** The model's files with size and sha256 (to check a copy against), each downloadable. */
export function ArtifactList({ modelId, version, files }: { modelId: string; version: string; files: readonly ArtifactFile[] }) {
  const { busy, error, run } = useAction();
  if (files.length === 0) return <Empty>No artifact files.</Empty>;
  return (
    <>
      <div className="table-scroll">
        <table className="table compact" aria-label="Artifact files">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Size</th>
              <th scope="col">SHA-256</th>
              <th scope="col">
                <span className="visually-hidden">Download</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {files.map((file) => (
              <tr key={file.name}>
                <th scope="row">{file.name}</th>
                <td data-testid={`artifact-size-${file.name}`} title={`${file.size} bytes`}>
                  {formatBytes(file.size)} ({file.size.toLocaleString("en-US")} bytes)
                </td>
                <td>
                  <code className="hash" data-testid={`artifact-sha-${file.name}`}>
                    {file.sha256}
                  </code>
                </td>
                <td>
                  <button
                    type="button"
                    disabled={busy}
                    aria-label={`Download ${file.name}`}
                    onClick={() => run(async () => saveBlob(await downloadArtifact(modelId, file.name), `${version}_${file.name}.bin`))}
                  >
                    Download
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorMessage error={error} />
    </>
  );
}
