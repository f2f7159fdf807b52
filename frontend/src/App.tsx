import { lazy, Suspense, useState } from "react";
import { Navigate, NavLink, Outlet, Route, Routes, useLocation, useNavigate } from "react-router-dom";
import { AuthProvider, useAuth } from "./features/auth/AuthContext";
import { Loading } from "./features/ui/Status";
import AuthPage from "./pages/AuthPage";

// Each page is its own chunk; vega-embed is a further chunk loaded by the first chart.
const DatasetsPage = lazy(() => import("./pages/DatasetsPage"));
const DatasetPage = lazy(() => import("./pages/DatasetPage"));
const RecommendationsPage = lazy(() => import("./pages/RecommendationsPage"));
const GalleryPage = lazy(() => import("./pages/GalleryPage"));
const ImputationPage = lazy(() => import("./pages/ImputationPage"));
const SynthesisPage = lazy(() => import("./pages/SynthesisPage"));
const JobsPage = lazy(() => import("./pages/JobsPage"));
const ModelsPage = lazy(() => import("./pages/ModelsPage"));
const ModelPage = lazy(() => import("./pages/ModelPage"));
const ModelComparePage = lazy(() => import("./pages/ModelComparePage"));
const ProjectsPage = lazy(() => import("./pages/ProjectsPage"));
const RedrawLabPage = lazy(() => import("./pages/RedrawLabPage"));
const ReportsPage = lazy(() => import("./pages/ReportsPage"));
const ReportPage = lazy(() => import("./pages/ReportPage"));
const SharedReportPage = lazy(() => import("./pages/SharedReportPage"));

export default function App() {
  return (
    <AuthProvider>
      <Routes>
        <Route path="/login" element={<AuthPage mode="login" />} />
        <Route path="/register" element={<AuthPage mode="register" />} />
        <Route path="/lab/redraw" element={<Shell />}>
          <Route index element={<RedrawLabPage />} />
        </Route>
        <Route
          path="/shared/reports/:token"
          element={
            <Suspense fallback={<Loading />}>
              <SharedReportPage />
            </Suspense>
          }
        />
        <Route element={<RequireAuth />}>
          <Route element={<Shell />}>
            <Route index element={<Navigate to="/datasets" replace />} />
            <Route path="datasets" element={<DatasetsPage />} />
            <Route path="datasets/:datasetId" element={<DatasetPage />} />
            <Route path="datasets/:datasetId/charts" element={<RecommendationsPage />} />
            <Route path="datasets/:datasetId/impute" element={<ImputationPage />} />
            <Route path="datasets/:datasetId/synthesize" element={<SynthesisPage />} />
            <Route path="charts" element={<GalleryPage />} />
            <Route path="reports" element={<ReportsPage />} />
            <Route path="reports/:reportId" element={<ReportPage />} />
            <Route path="jobs" element={<JobsPage />} />
            <Route path="models" element={<ModelsPage />} />
            <Route path="models/compare" element={<ModelComparePage />} />
            <Route path="models/:modelId" element={<ModelPage />} />
            <Route path="projects" element={<ProjectsPage />} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Route>
      </Routes>
    </AuthProvider>
  );
}

function RequireAuth() {
  const { user, checking } = useAuth();
  const location = useLocation();
  if (checking) return <Loading label="Signing you in…" />;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <Outlet />;
}

function Shell() {
  const { user, logout } = useAuth();
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);
  const links = [
    ["/datasets", "Datasets"],
    ["/charts", "Saved charts"],
    ["/reports", "Reports"],
    ["/jobs", "Jobs"],
    ["/models", "Models"],
    ["/projects", "Projects"],
  ] as const;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/datasets" className="brand">
          Insight
        </NavLink>
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="primary-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <nav id="primary-nav" aria-label="Main" className={menuOpen ? "open" : undefined}>
          {links.map(([to, label]) => (
            <NavLink key={to} to={to} onClick={() => setMenuOpen(false)}>
              {label}
            </NavLink>
          ))}
          {user && (
            <span className="user">
              <span className="muted">{user.username}</span>
              <button
                type="button"
                onClick={async () => {
                  await logout();
                  navigate("/login");
                }}
              >
                Log out
              </button>
            </span>
          )}
        </nav>
      </header>
      <main id="main" className="content" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </>
  );
}

function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is nothing here. Go to your <NavLink to="/datasets">datasets</NavLink>.
      </p>
    </>
  );
}
