from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.context import current_user_id, store
from backend.schemas.common import page_schema
from backend.schemas.projects import (
    ProjectCreateSchema,
    ProjectListArgs,
    ProjectSchema,
    ProjectUpdateSchema,
)
from backend.services import projects

blp = Blueprint(
    "projects",
    __name__,
    url_prefix="/api/v1/projects",
    description="Projects: named groups of datasets, jobs and models",
)


@blp.route("")
class Projects(MethodView):
    @blp.arguments(ProjectListArgs, location="query")
    @blp.response(200, page_schema(ProjectSchema))
    def get(self, args):
        """The caller's projects, newest first, with how many datasets, jobs and models each holds.

        Resources in no project belong to the default project, which is not listed here
        (filter them with `?project_id=default` on the datasets, jobs and models lists)."""
        return projects.list_projects(
            store(), current_user_id(), page_number=args["page"], page_size=args["page_size"]
        )

    @blp.arguments(ProjectCreateSchema)
    @blp.response(201, ProjectSchema)
    def post(self, body):
        """Create a project (409 if the caller already has one of that name)."""
        return projects.create_project(
            store(), current_user_id(), body["name"], body["description"]
        )


@blp.route("/<project_id>")
class Project(MethodView):
    @blp.response(200, ProjectSchema)
    def get(self, project_id):
        """One project and its counts."""
        return projects.get_project(store(), current_user_id(), project_id)

    @blp.arguments(ProjectUpdateSchema)
    @blp.response(200, ProjectSchema)
    def patch(self, body, project_id):
        """Rename a project or change its description."""
        return projects.update_project(store(), current_user_id(), project_id, body)

    @blp.response(204)
    def delete(self, project_id):
        """Delete an empty project (409 while it holds datasets, jobs or models)."""
        projects.delete_project(store(), current_user_id(), project_id)
