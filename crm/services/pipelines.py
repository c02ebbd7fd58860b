"""Pipelines (deal directions) and their ordered stages; administrators write them.

Stages are matched by code: an edit renames, reorders, adds and removes them, but a stage that
deals stand in cannot be removed (409), nor can the default pipeline or one holding deals be
deleted.
"""

from typing import Any

from django.db import IntegrityError, transaction

from audit.record import RequestContext, record
from core.errors import Conflict, Invalid
from core.text import require_valid_text
from crm.models import Pipeline, Stage
from permissions.access import require_admin


def _check_stages(stages: list[dict[str, str]]) -> None:
    if not stages:
        raise Invalid({"stages": ["A pipeline needs at least one stage."]})
    codes = [stage["code"] for stage in stages]
    if len(set(codes)) != len(codes):
        raise Invalid({"stages": ["Stage codes must differ."]}, code="duplicate_stage")


def _write_stages(pipeline: Pipeline, stages: list[dict[str, str]]) -> None:
    current = {stage.code: stage for stage in pipeline.stages.all()}
    wanted = {stage["code"] for stage in stages}
    dropped = [stage for code, stage in current.items() if code not in wanted]
    if any(stage.deals.exists() for stage in dropped):
        raise Conflict("Deals stand in a stage that would be removed.", code="stage_in_use")
    for stage in dropped:
        stage.delete()
    for position, given in enumerate(stages):
        Stage.objects.update_or_create(
            pipeline=pipeline,
            code=given["code"],
            defaults={"name": given["name"], "position": position},
        )


def create_pipeline(
    *, context: RequestContext, name: str, stages: list[dict[str, str]]
) -> Pipeline:
    require_admin(context.user)
    require_valid_text(name=name, stages=stages)
    _check_stages(stages)
    try:
        with transaction.atomic():
            pipeline = Pipeline.objects.create(name=name)
            _write_stages(pipeline, stages)
            record(
                context,
                "pipeline.create",
                object_type="pipeline",
                object_id=pipeline.pk,
                details={"name": name, "stages": [stage["code"] for stage in stages]},
            )
    except IntegrityError as error:
        raise Conflict("A pipeline of that name exists.", code="duplicate_name") from error
    return pipeline


def update_pipeline(
    *, context: RequestContext, pipeline: Pipeline, changes: dict[str, Any]
) -> Pipeline:
    require_admin(context.user)
    require_valid_text(**changes)
    if "stages" in changes:
        _check_stages(changes["stages"])
    try:
        with transaction.atomic():
            pipeline = Pipeline.objects.select_for_update().get(pk=pipeline.pk)
            if "name" in changes:
                pipeline.name = changes["name"]
                pipeline.save(update_fields=["name"])
            if "stages" in changes:
                _write_stages(pipeline, changes["stages"])
            record(
                context,
                "pipeline.update",
                object_type="pipeline",
                object_id=pipeline.pk,
                details={"changed": sorted(changes)},
            )
    except IntegrityError as error:
        raise Conflict("A pipeline of that name exists.", code="duplicate_name") from error
    return pipeline


def delete_pipeline(*, context: RequestContext, pipeline: Pipeline) -> None:
    require_admin(context.user)
    with transaction.atomic():
        if pipeline.is_default:
            raise Conflict("The default pipeline cannot be deleted.", code="default_pipeline")
        if pipeline.deals.exists():
            raise Conflict("Deals stand in this pipeline.", code="pipeline_in_use")
        record(context, "pipeline.delete", object_type="pipeline", object_id=pipeline.pk)
        pipeline.delete()
