import { DEFAULT_PROJECT, type Project } from "../../api/projects";

/**
 * A select of the user's projects. `anyLabel` adds the "all projects" choice (a list filter); `withDefault` adds the
 * default project (work outside every named one), whose value is "default" for filters and "" for a move.
 */
export function ProjectSelect(props: {
  projects: readonly Project[];
  value: string;
  onChange: (value: string) => void;
  label?: string;
  anyLabel?: string;
  defaultValue?: string;
  disabled?: boolean;
}) {
  const { projects, value, onChange, label = "Project", anyLabel, defaultValue = DEFAULT_PROJECT, disabled } = props;
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled}>
        {anyLabel !== undefined && <option value="">{anyLabel}</option>}
        <option value={defaultValue}>Default project</option>
        {projects.map((project) => (
          <option key={project.id} value={project.id}>
            {project.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A project id as a person reads it: its name, or "Default project" for none. */
export function projectName(projects: readonly Project[] | undefined, id: string | null | undefined): string {
  if (!id) return "Default project";
  return projects?.find((p) => p.id === id)?.name ?? "a project";
}
