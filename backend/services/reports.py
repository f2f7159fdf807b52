"""Data summary reports: an ordered list of blocks about one of the owner's datasets.

A block is a saved chart of the report's dataset, a Markdown text, the dataset's profile, or
the summary of one of the owner's finished jobs or models. References in a request body that
do not resolve (an unknown id, another user's, a chart of another dataset, a job that has not
succeeded) answer 422 with `errors` naming the field; ids in the path answer 404.

Blocks live inside the report document; every change is a compare-and-set on `revision`, so
two edits at once both land (or the loser retries) and none is lost.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from backend.clock import now_iso
from backend.errors import ConflictError, InvalidInputError, NotFoundError, ReportQuotaError
from backend.services import datasets
from backend.services.common import find_page, new_document, new_id, require
from backend.storage import Store

BLOCK_TYPES = ("chart", "text", "profile", "job", "model")
# The field that carries each block type's content (profile blocks carry none).
BLOCK_FIELDS = {"chart": "chart_id", "text": "markdown", "job": "job_id", "model": "model_id"}
MAX_BLOCKS = 100
MAX_MARKDOWN_CHARS = 20_000
_CAS_ATTEMPTS = 20


def share_path(token: str) -> str:
    """The SPA's page for a shared report (the JSON is under /api/v1/shared/reports/)."""
    return f"/shared/reports/{token}"


def present(report: dict[str, Any]) -> dict[str, Any]:
    """The report as the API shows it to its owner: the share link instead of the raw token."""
    token = report.get("share_token")
    shown = {k: v for k, v in report.items() if k not in ("share_token", "revision")}
    shown["share"] = {"token": token, "url": share_path(token)} if token else None
    return shown


def create_report(
    store: Store, owner_id: str, body: dict[str, Any], *, max_reports: int
) -> dict[str, Any]:
    dataset = datasets.get_dataset(store, owner_id, body["dataset_id"])
    _, count = store.reports.find(owner_id, limit=1)  # only the total is needed
    if count >= max_reports:
        raise ReportQuotaError(
            f"You have {count} reports, the most allowed (MAX_REPORTS_PER_USER); delete some to add more.",
            setting="MAX_REPORTS_PER_USER",
            maximum=max_reports,
            used=count,
        )
    report = new_document(
        owner_id,
        dataset_id=dataset["id"],
        title=body["title"],
        blocks=[],
        share_token=None,
        revision=0,
    )
    report["updated_at"] = report["created_at"]
    return present(store.reports.insert(report))


def list_reports(
    store: Store,
    owner_id: str,
    *,
    dataset_id: str | None = None,
    page_number: int = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    where = {"dataset_id": dataset_id} if dataset_id else None
    found = find_page(store.reports, owner_id, where, page_number, page_size)
    return {**found, "items": [present(r) for r in found["items"]]}


def get_report_document(store: Store, owner_id: str, report_id: str) -> dict[str, Any]:
    """The stored report (with its raw share token), or 404."""
    return require(store.reports.get(report_id, owner_id), "report", report_id)


def get_report(store: Store, owner_id: str, report_id: str) -> dict[str, Any]:
    return present(get_report_document(store, owner_id, report_id))


def rename_report(store: Store, owner_id: str, report_id: str, title: str) -> dict[str, Any]:
    return present(_change(store, owner_id, report_id, lambda report: {"title": title}))


def delete_report(store: Store, owner_id: str, report_id: str) -> None:
    require(store.reports.delete(report_id, owner_id), "report", report_id)


def add_block(store: Store, owner_id: str, report_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Append a block, or insert it at `position` (0 = first); its references are checked first."""
    report = get_report_document(store, owner_id, report_id)
    block = _new_block(store, owner_id, report, body)
    position = body.get("position")

    def insert(current: dict[str, Any]) -> dict[str, Any]:
        blocks = list(current["blocks"])
        if len(blocks) >= MAX_BLOCKS:
            raise InvalidInputError(
                f"A report holds at most {MAX_BLOCKS} blocks; delete one to add another.",
                errors={"blocks": [f"at most {MAX_BLOCKS} blocks"]},
            )
        at = len(blocks) if position is None else position
        if at > len(blocks):
            raise InvalidInputError(
                f"position {at} is past the end of the report ({len(blocks)} blocks).",
                errors={"position": [f"must be between 0 and {len(blocks)}"]},
            )
        blocks.insert(at, block)
        return {"blocks": blocks}

    return present(_change(store, owner_id, report_id, insert))


def edit_block(
    store: Store, owner_id: str, report_id: str, block_id: str, markdown: str
) -> dict[str, Any]:
    """Replace a text block's Markdown."""

    def edit(current: dict[str, Any]) -> dict[str, Any]:
        blocks = list(current["blocks"])
        at = _block_index(blocks, block_id)
        if blocks[at]["type"] != "text":
            raise InvalidInputError(
                "Only text blocks have Markdown to edit.",
                errors={"markdown": [f"block '{block_id}' is a {blocks[at]['type']} block"]},
            )
        blocks[at] = {**blocks[at], "markdown": markdown}
        return {"blocks": blocks}

    return present(_change(store, owner_id, report_id, edit))


def delete_block(store: Store, owner_id: str, report_id: str, block_id: str) -> dict[str, Any]:
    def remove(current: dict[str, Any]) -> dict[str, Any]:
        blocks = list(current["blocks"])
        del blocks[_block_index(blocks, block_id)]
        return {"blocks": blocks}

    return present(_change(store, owner_id, report_id, remove))


def reorder_blocks(
    store: Store, owner_id: str, report_id: str, block_ids: list[str]
) -> dict[str, Any]:
    """Put the blocks in the order of `block_ids`, which must name each block exactly once."""

    def reorder(current: dict[str, Any]) -> dict[str, Any]:
        by_id = {b["id"]: b for b in current["blocks"]}
        if len(block_ids) != len(by_id) or set(block_ids) != set(by_id):
            raise InvalidInputError(
                "block_ids must list every block of the report exactly once.",
                errors={"block_ids": [f"expected a permutation of {sorted(by_id)}"]},
            )
        return {"blocks": [by_id[i] for i in block_ids]}

    return present(_change(store, owner_id, report_id, reorder))


def share_report(store: Store, owner_id: str, report_id: str) -> dict[str, str]:
    """The report's read-only link: the existing one, or a new unguessable token."""
    report = _change(
        store,
        owner_id,
        report_id,
        lambda current: {} if current.get("share_token") else {"share_token": _new_token()},
    )
    return present(report)["share"]


def unshare_report(store: Store, owner_id: str, report_id: str) -> None:
    """Revoke the link: its token answers 404 from now on (a new share makes a new token)."""
    _change(
        store,
        owner_id,
        report_id,
        lambda current: {"share_token": None} if current.get("share_token") else {},
    )


def get_shared_report(store: Store, token: str) -> dict[str, Any]:
    """The report a share token opens, or 404 (unknown, revoked, or its dataset deleted)."""
    found = store.reports.find_any({"share_token": token}, limit=1) if token else []
    report = found[0] if found else None
    dataset = report and store.datasets.get(report["dataset_id"], report["owner_id"])
    if report is None or dataset is None or dataset.get("deleting"):
        raise NotFoundError("No shared report at this link; it may have been revoked.")
    return report


def _new_token() -> str:
    # 256 bits from the OS's CSPRNG: a link cannot be guessed or enumerated.
    return secrets.token_urlsafe(32)


def _change(
    store: Store,
    owner_id: str,
    report_id: str,
    change: Callable[[dict[str, Any]], dict[str, Any]],
) -> dict[str, Any]:
    """Apply `change(report) -> fields` as a compare-and-set on the report's revision."""
    for _ in range(_CAS_ATTEMPTS):
        current = get_report_document(store, owner_id, report_id)
        fields = change(current)
        if not fields:
            return current
        revision = current.get("revision", 0)
        updated = store.reports.update_if(
            report_id,
            {"owner_id": owner_id, "revision": revision},
            {**fields, "revision": revision + 1, "updated_at": now_iso()},
        )
        if updated is not None:
            return updated
    raise ConflictError("The report kept changing while this edit was applied; try again.")


def _block_index(blocks: list[dict[str, Any]], block_id: str) -> int:
    for at, block in enumerate(blocks):
        if block["id"] == block_id:
            return at
    raise NotFoundError(f"No block with id '{block_id}' in this report.")


def _new_block(
    store: Store, owner_id: str, report: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    kind = body["type"]
    wanted = BLOCK_FIELDS.get(kind)
    stray = [f for f in BLOCK_FIELDS.values() if f != wanted and body.get(f) is not None]
    if stray:
        raise InvalidInputError(
            f"A {kind} block takes no {', '.join(stray)}.",
            errors={f: [f"not allowed for a {kind} block"] for f in stray},
        )
    block: dict[str, Any] = {"id": new_id(), "type": kind}
    if wanted is None:
        return block
    value = body.get(wanted)
    if value is None:
        raise InvalidInputError(
            f"A {kind} block needs {wanted}.", errors={wanted: ["Missing data for required field."]}
        )
    if kind == "chart":
        _check_chart(store, owner_id, report, value)
    elif kind == "job":
        _check_job(store, owner_id, value)
    elif kind == "model":
        _refuse_unless(
            store.models.get(value, owner_id), "model_id", f"No model with id '{value}'."
        )
    block[wanted] = value
    return block


def _check_chart(store: Store, owner_id: str, report: dict[str, Any], chart_id: str) -> None:
    chart = _refuse_unless(
        store.charts.get(chart_id, owner_id), "chart_id", f"No chart with id '{chart_id}'."
    )
    if chart["dataset_id"] != report["dataset_id"]:
        raise InvalidInputError(
            "The chart is of another dataset; a report shows charts of its own dataset.",
            errors={"chart_id": [f"chart '{chart_id}' is of dataset '{chart['dataset_id']}'"]},
        )


def _check_job(store: Store, owner_id: str, job_id: str) -> None:
    job = _refuse_unless(store.jobs.get(job_id, owner_id), "job_id", f"No job with id '{job_id}'.")
    if job.get("status") != "succeeded":
        raise InvalidInputError(
            f"Only finished jobs can be summarized; this one is {job.get('status')}.",
            errors={"job_id": [f"job '{job_id}' is {job.get('status')}, not succeeded"]},
        )


def _refuse_unless(doc: dict[str, Any] | None, field: str, message: str) -> dict[str, Any]:
    """The referenced document, or a 422 on `field` (unknown and another user's read the same)."""
    if doc is None:
        raise InvalidInputError(message, errors={field: [message]})
    return doc
