import { useState } from "react";
import { Link } from "react-router-dom";
import { createProject, deleteProject, listProjects, updateProject, type Project } from "../api/projects";
import { BatchOutcome, useRetrainBatch } from "../features/models/BatchRetrain";
import { Empty, ErrorMessage, Loading } from "../features/ui/Status";
import { formatDate } from "../lib/format";
import { useAction } from "../lib/useAction";
import { useAsync } from "../lib/useAsync";

/** The user's projects: counts, create, rename, delete (only when empty: the server's 409 says why), batch retrain. */
export default function ProjectsPage() {
  const projects = useAsync((signal) => listProjects(signal), []);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const action = useAction();

  const create = () =>
    action.run(async () => {
      await createProject({ name: name.trim(), description: description.trim() || undefined });
      setName("");
      setDescription("");
      projects.reload();
    });

  return (
    <>
      <h1>Projects</h1>
      <form
        className="form-row"
        aria-label="New project"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) void create();
        }}
      >
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={action.busy || !name.trim()}>
          Create project
        </button>
      </form>
      <ErrorMessage error={action.error} />
      {projects.loading && !projects.data ? (
        <Loading label="Loading projects…" />
      ) : projects.error ? (
        <ErrorMessage error={projects.error} onRetry={projects.reload} />
      ) : !projects.data || projects.data.length === 0 ? (
        <Empty>No projects yet: everything is in your default project. Create one to group datasets, jobs and models.</Empty>
      ) : (
        <ul className="project-list" aria-label="Projects">
          {projects.data.map((project) => (
            <ProjectItem key={project.id} project={project} onChanged={projects.reload} />
          ))}
        </ul>
      )}
    </>
  );
}

function ProjectItem({ project, onChanged }: { project: Project; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(project.name);
  const action = useAction();
  const retrain = useRetrainBatch();
  const { datasets, jobs, models } = project.counts;

  const rename = () =>
    action.run(async () => {
      await updateProject(project.id, { name: name.trim() });
      setEditing(false);
      onChanged();
    });
  const remove = () => {
    if (!window.confirm(`Delete project ${project.name}?`)) return;
    void action.run(async () => {
      await deleteProject(project.id);
      onChanged();
    });
  };

  return (
    <li className="card project-item">
      {editing ? (
        <form
          className="form-row"
          aria-label={`Rename ${project.name}`}
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) void rename();
          }}
        >
          <label>
            New name
            <input value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
          </label>
          <button type="submit" className="primary" disabled={action.busy}>
            Save
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <h2>{project.name}</h2>
      )}
      {project.description && <p>{project.description}</p>}
      <p className="muted">
        <Link to={`/datasets?project=${project.id}`}>{datasets} dataset{datasets === 1 ? "" : "s"}</Link> · {jobs} job{jobs === 1 ? "" : "s"} ·{" "}
        <Link to={`/models?project=${project.id}`}>{models} model{models === 1 ? "" : "s"}</Link> · created {formatDate(project.created_at)}
      </p>
      <div className="button-row">
        {!editing && (
          <button type="button" onClick={() => setEditing(true)} aria-label={`Rename ${project.name}`}>
            Rename
          </button>
        )}
        <button type="button" disabled={retrain.busy || models === 0} onClick={() => retrain.start({ project_id: project.id })}>
          Retrain every model
        </button>
        {retrain.batch && (
          <button type="button" disabled={retrain.busy} onClick={retrain.refresh}>
            Refresh outcome
          </button>
        )}
        <button type="button" className="danger" onClick={remove} aria-label={`Delete ${project.name}`}>
          Delete
        </button>
      </div>
      <ErrorMessage error={action.error ?? retrain.error} />
      {retrain.batch && <BatchOutcome batch={retrain.batch} />}
    </li>
  );
}
