import { getDatasetProfile, type CategoryProfile, type ColumnProfile, type DatasetProfile, type HistogramBin, type TimeProfile } from "../../api/reports";
import { formatDate, formatNumber } from "../../lib/format";
import { useAsync } from "../../lib/useAsync";
import { ErrorMessage, Loading } from "../ui/Status";

/** The dataset page's "Profile" section: loads the stored profile (the server computes it once) and shows it. */
export function ProfileSection({ datasetId }: { datasetId: string }) {
  const profile = useAsync((signal) => getDatasetProfile(datasetId, signal), [datasetId]);
  return (
    <section className="card" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      {profile.loading && !profile.data ? (
        <Loading label="Profiling columns…" />
      ) : profile.error || !profile.data ? (
        <ErrorMessage error={profile.error ?? "No profile"} onRetry={profile.reload} />
      ) : (
        <ProfilePanel profile={profile.data} />
      )}
    </section>
  );
}

/**
 * The dataset profile (issue 18): one card per column with its kind, counts and, by kind, number statistics with a
 * histogram, the top categories as bars, or the time range, step and gaps. Plots are small inline SVGs (no vega),
 * so the panel draws at once and its values are also there as text for screen readers.
 */
export function ProfilePanel({ profile }: { profile: DatasetProfile }) {
  return (
    <>
      <p className="muted" data-testid="profile-scope">
        {profile.sampled
          ? `Profiled on a sample of ${profile.profiled_rows.toLocaleString()} of ${profile.rows.toLocaleString()} rows.`
          : `Profiled on all ${profile.rows.toLocaleString()} rows.`}
      </p>
      <ul className="profile-grid" aria-label="Column profiles">
        {profile.columns.map((column) => (
          <li key={column.name} className="profile-column" aria-label={column.name}>
            <ColumnProfileCard column={column} />
          </li>
        ))}
      </ul>
    </>
  );
}

function ColumnProfileCard({ column }: { column: ColumnProfile }) {
  const total = column.count + column.missing;
  return (
    <>
      <h3 className="profile-name">
        <span>{column.name}</span> <span className={`badge kind-${column.kind}`}>{column.kind}</span>
      </h3>
      <dl className="profile-stats">
        <Stat label="values" value={column.count.toLocaleString()} />
        <Stat
          label="missing"
          value={`${column.missing.toLocaleString()}${total > 0 && column.missing > 0 ? ` (${((100 * column.missing) / total).toFixed(1)}%)` : ""}`}
        />
        <Stat label="distinct" value={column.distinct.toLocaleString()} />
        {column.number && (
          <>
            <Stat label="min" value={formatNumber(column.number.min)} />
            <Stat label="max" value={formatNumber(column.number.max)} />
            <Stat label="mean" value={formatNumber(column.number.mean)} />
            <Stat label="std" value={formatNumber(column.number.std)} />
            <Stat label="quartiles" value={[column.number.q25, column.number.q50, column.number.q75].map((q) => formatNumber(q)).join(" · ")} />
          </>
        )}
        {column.time && <TimeStats time={column.time} />}
        {column.text && (
          <Stat label="length" value={`${formatNumber(column.text.min_length)}–${formatNumber(column.text.max_length)} (mean ${formatNumber(column.text.mean_length, 3)})`} />
        )}
      </dl>
      {column.number && column.number.histogram.length > 0 && <Histogram bins={column.number.histogram} name={column.name} />}
      {column.category && column.category.top.length > 0 && <TopValues category={column.category} name={column.name} />}
    </>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function TimeStats({ time }: { time: TimeProfile }) {
  return (
    <>
      <Stat label="from" value={formatInstant(time.min)} />
      <Stat label="to" value={formatInstant(time.max)} />
      <Stat label="step" value={frequencyInWords(time.frequency)} />
      <Stat label="gaps" value={`${time.gaps.toLocaleString()}${time.gaps > 0 && time.largest_gap ? ` (largest ${time.largest_gap})` : ""}`} />
    </>
  );
}

/** A time as a date alone when it is a midnight (most daily, monthly and yearly columns), else date and time. */
export function formatInstant(iso: string | null | undefined): string {
  if (iso && /^\d{4}-\d{2}-\d{2}(T00:00(:00(\.0+)?)?)?$/.test(iso)) {
    const [year, month, day] = iso.slice(0, 10).split("-").map(Number);
    return new Date(year, month - 1, day).toLocaleDateString();
  }
  return formatDate(iso);
}

// pandas offset aliases (what the server infers) by their first letters; the alias itself is kept in brackets.
const FREQUENCY_WORDS: [RegExp, string][] = [
  [/^(Y|A|BY|BA)(S|E)?(-|$)/, "yearly"],
  [/^B?Q(S|E)?(-|$)/, "quarterly"],
  [/^(B|C|S)?M(S|E)?$/, "monthly"],
  [/^W(-|$)/, "weekly"],
  [/^B$/, "business days"],
  [/^D$/, "daily"],
  [/^(h|H)$/, "hourly"],
  [/^(min|T)$/, "every minute"],
  [/^(s|S)$/, "every second"],
];

export function frequencyInWords(alias: string | null | undefined): string {
  if (!alias) return "irregular";
  const bare = alias.replace(/^1(?=[A-Za-z])/, "");
  const words = FREQUENCY_WORDS.find(([pattern]) => pattern.test(bare))?.[1];
  return words ? `${words} (${alias})` : alias;
}

const HIST_W = 240;
const HIST_H = 56;

/** Bars in an SVG scaled to the card's width; each bar's range and count is its tooltip and its accessible text. */
export function Histogram({ bins, name }: { bins: HistogramBin[]; name: string }) {
  const max = Math.max(1, ...bins.map((bin) => bin.count));
  const width = HIST_W / bins.length;
  const first = bins[0];
  const last = bins[bins.length - 1];
  return (
    <figure className="profile-plot">
      <svg viewBox={`0 0 ${HIST_W} ${HIST_H}`} preserveAspectRatio="none" role="img" aria-label={`Histogram of ${name}`}>
        {bins.map((bin, i) => {
          const height = (bin.count / max) * (HIST_H - 2);
          return (
            <rect key={i} x={i * width + 0.5} y={HIST_H - height} width={Math.max(0.5, width - 1)} height={height} className="profile-bar">
              <title>{`${formatNumber(bin.start)} – ${formatNumber(bin.end)}: ${bin.count.toLocaleString()}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption className="profile-axis">
        <span>{formatNumber(first.start)}</span>
        <span>{formatNumber(last.end)}</span>
      </figcaption>
    </figure>
  );
}

/** The most frequent values as horizontal bars (HTML, so long labels wrap), then how many rows hold any other value. */
export function TopValues({ category, name }: { category: CategoryProfile; name: string }) {
  const max = Math.max(1, ...category.top.map((t) => t.count));
  return (
    <figure className="profile-plot">
      <ol className="top-values" aria-label={`Most frequent values of ${name}`}>
        {category.top.map((t) => (
          <li key={t.value}>
            <span className="top-value-label">{t.value === "" ? "(empty)" : t.value}</span>
            <span className="top-value-bar" aria-hidden="true">
              <span style={{ width: `${(100 * t.count) / max}%` }} />
            </span>
            <span className="top-value-count">{t.count.toLocaleString()}</span>
          </li>
        ))}
      </ol>
      {category.other_count > 0 && <figcaption className="muted">{category.other_count.toLocaleString()} other</figcaption>}
    </figure>
  );
}
