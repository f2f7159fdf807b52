import { downloadDatasetFile, getDataset } from "../../api/datasets";
import { saveBlob } from "../../lib/download";

/** Downloads a dataset's file under its own name (a job's result: imputed series, synthetic samples). */
export async function saveDataset(id: string): Promise<void> {
  const [dataset, blob] = await Promise.all([getDataset(id), downloadDatasetFile(id)]);
  saveBlob(blob, dataset.filename);
}
