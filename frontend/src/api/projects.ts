import { request } from "./client";
import type { Dataset } from "./types";

const BASE = "/api/v1/projects";

/** A named group of datasets, jobs and models (contract, issue 19). Work with no project is in the user's default, `project_id: null`. */
export interface Project {
  id: string;
  name: string;
  description?: string | null;
  created_at: string;
  updated_at?: string;
  counts: { datasets: number; jobs: number; models: number };
}

export interface ProjectFields {
  name?: string;
  description?: string;
}

/** The project filter's value for work outside every named project (the API's `?project_id=default`). */
export const DEFAULT_PROJECT = "default";

export async function listProjects(signal?: AbortSignal): Promise<Project[]> {
  const answer = await request<Project[] | { items: Project[] }>(BASE, { query: { page_size: 100 }, signal });
  // The list may come bare or paged; the SPA needs every project for its selects either way.
  return Array.isArray(answer) ? answer : answer.items;
}

export function getProject(id: string, signal?: AbortSignal): Promise<Project> {
  return request<Project>(`${BASE}/${encodeURIComponent(id)}`, { signal });
}

export function createProject(body: ProjectFields & { name: string }): Promise<Project> {
  return request<Project>(BASE, { method: "POST", body });
}

export function updateProject(id: string, body: ProjectFields): Promise<Project> {
  return request<Project>(`${BASE}/${encodeURIComponent(id)}`, { method: "PATCH", body });
}

/** Only an empty project can go: the server answers 409 otherwise, with a detail the page shows. */
export function deleteProject(id: string): Promise<void> {
  return request<void>(`${BASE}/${encodeURIComponent(id)}`, { method: "DELETE" });
}

/** Moves a dataset into a project (`null`: back to the default project); its later jobs and models follow it. */
export function moveDataset(datasetId: string, projectId: string | null): Promise<Dataset> {
  return request<Dataset>(`/api/v1/datasets/${encodeURIComponent(datasetId)}`, { method: "PATCH", body: { project_id: projectId } });
}
