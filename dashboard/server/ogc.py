"""The read-only OGC API – Features under ``/ogc``, for QGIS, GDAL and other clients.

Routes only: each opens the store for the request, asks :mod:`geodata.ogc`
for the document and serialises it. Links are absolute, on the URL root the
request came in by, so a client can follow ``next`` as it is. Domain errors
become JSON exceptions here, in one place: a bad parameter 400, an unknown
collection or feature 404.
"""

from __future__ import annotations

import json
from typing import Any

import flask

from dashboard.context import request_store
from dashboard.i18n import catalogue
from geodata import AccessError, NotFoundError, ogc
from geodata.access import ReadLogError

PREFIX = "/ogc"
blueprint = flask.Blueprint("ogc", __name__, url_prefix=PREFIX)


def _texts() -> ogc.Texts:
    # The API speaks Swedish, the project's first language.
    sv = catalogue("sv")
    return ogc.Texts(
        title=sv["app.title"],
        description=f"{sv['app.tagline']}. OGC API – Features; JSON och GeoJSON (f=json).",
        layer_titles={name: sv[f"layer.{name}"] for name in ("unsafe_places", "inventoried_sites", "operations")},
        demo_note=sv["demo.banner"],
    )


def _base_url() -> str:
    return flask.request.url_root.rstrip("/") + PREFIX


def _params() -> dict[str, list[str]]:
    return flask.request.args.to_dict(flat=False)


def _respond(document: dict[str, Any], media_type: str = ogc.JSON_TYPE, status: int = 200) -> flask.Response:
    return flask.Response(json.dumps(document, ensure_ascii=False), status=status, mimetype=media_type)


@blueprint.errorhandler(ogc.ParameterError)
def _bad_parameter(error: ogc.ParameterError) -> flask.Response:
    return _respond({"code": "InvalidParameterValue", "description": str(error)}, status=400)


@blueprint.errorhandler(AccessError)
def _forbidden(error: AccessError) -> flask.Response:
    return _respond({"code": "Forbidden", "description": str(error)}, status=403)


@blueprint.errorhandler(ReadLogError)
def _not_logged(error: ReadLogError) -> flask.Response:
    # Records whose read cannot be logged are not served (brottsdatalagen): the client may try again.
    response = _respond({"code": "ServiceUnavailable", "description": str(error)}, status=503)
    response.headers["Retry-After"] = "5"
    return response


@blueprint.errorhandler(NotFoundError)
def _not_found(error: NotFoundError) -> flask.Response:
    return _respond({"code": "NotFound", "description": str(error)}, status=404)


@blueprint.get("")
@blueprint.get("/")
def landing_page() -> flask.Response:
    ogc.check_parameters(_params())
    return _respond(ogc.landing_page(_base_url(), _texts()))


@blueprint.get("/api")
def api_definition() -> flask.Response:
    ogc.check_parameters(_params())
    return _respond(ogc.api_definition(_base_url(), _texts()), ogc.OPENAPI_TYPE)


@blueprint.get("/conformance")
def conformance() -> flask.Response:
    ogc.check_parameters(_params())
    return _respond(ogc.conformance())


@blueprint.get("/collections")
def collections() -> flask.Response:
    ogc.check_parameters(_params())
    with request_store() as store:
        return _respond(ogc.collections(store, _base_url(), _texts()))


@blueprint.get("/collections/<layer>")
def collection(layer: str) -> flask.Response:
    ogc.check_parameters(_params())
    with request_store() as store:
        return _respond(ogc.collection(store, layer, _base_url(), _texts()))


@blueprint.get("/collections/<layer>/items")
def items(layer: str) -> flask.Response:
    with request_store() as store:
        return _respond(ogc.items(store, layer, _base_url(), _params()), ogc.GEOJSON_TYPE)


@blueprint.get("/collections/<layer>/items/<feature_id>")
def item(layer: str, feature_id: str) -> flask.Response:
    ogc.check_parameters(_params())
    with request_store() as store:
        return _respond(ogc.item(store, layer, feature_id, _base_url()), ogc.GEOJSON_TYPE)


@blueprint.get("/<path:rest>")
def unknown(rest: str) -> flask.Response:
    # Without this, Dash's page route would answer with an HTML page.
    raise NotFoundError(f"{PREFIX}/{rest} is not a resource of this API; start at {_base_url()}")
