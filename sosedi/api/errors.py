"""One error body for every 4xx of the API: a Russian `detail` and the fields at fault."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from sosedi.territories.selectors import BadQuery


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


def _body(detail: str, errors: list[dict] | None = None) -> dict:
    return {"detail": detail, "errors": errors or []}


def _loc_field(loc) -> str:
    # ninja locations look like ("query", "bbox") or ("body", "payload", "name"); the last name is the field.
    names = [str(p) for p in loc if p not in ("query", "body", "path", "payload", "header", "cookie", "form")]
    return ".".join(names) or "__all__"


_PYDANTIC_RU = {
    "missing": "Обязательное поле.",
    "int_parsing": "Нужно целое число.",
    "float_parsing": "Нужно число.",
    "int_type": "Нужно целое число.",
    "float_type": "Нужно число.",
    "string_type": "Нужна строка.",
    "bool_parsing": "Нужно true или false.",
    "bool_type": "Нужно true или false.",
    "date_from_datetime_parsing": "Нужна дата ГГГГ-ММ-ДД.",
    "date_parsing": "Нужна дата ГГГГ-ММ-ДД.",
    "date_type": "Нужна дата ГГГГ-ММ-ДД.",
    "enum": "Недопустимое значение.",
    "literal_error": "Недопустимое значение.",
    "greater_than_equal": "Значение слишком мало.",
    "less_than_equal": "Значение слишком велико.",
    "string_too_long": "Слишком длинная строка.",
    "json_invalid": "Тело запроса — не JSON.",
    "model_attributes_type": "Нужен JSON-объект.",
    "dict_type": "Нужен JSON-объект.",
    "list_type": "Нужен список.",
}


def install(api) -> None:
    @api.exception_handler(NinjaValidationError)
    def validation(request, exc):
        errors = [
            {"field": _loc_field(e.get("loc", ())), "message": _PYDANTIC_RU.get(e.get("type"), e.get("msg", "Ошибка."))}
            for e in exc.errors
        ]
        return api.create_response(request, _body("Проверьте параметры запроса.", errors), status=422)

    @api.exception_handler(DjangoValidationError)
    def django_validation(request, exc):
        if hasattr(exc, "error_dict"):
            errors = [{"field": f, "message": m} for f, msgs in exc.message_dict.items() for m in msgs]
        else:
            errors = [{"field": "__all__", "message": m} for m in exc.messages]
        return api.create_response(request, _body("Данные не прошли проверку.", errors), status=422)

    @api.exception_handler(BadQuery)
    def bad_query(request, exc):
        return api.create_response(
            request, _body(exc.message, [{"field": exc.field, "message": exc.message}]), status=400
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(request, _body(str(exc) or "Недостаточно прав."), status=403)

    @api.exception_handler(AuthenticationError)
    def unauthorised(request, exc):
        return api.create_response(
            request, _body("Нужна авторизация: заголовок «Authorization: Bearer <токен>»."), status=401
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, _body("Не найдено."), status=404)

    @api.exception_handler(ObjectDoesNotExist)
    def missing(request, exc):
        return api.create_response(request, _body("Не найдено."), status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if exc.status_code == 400 and "parse" in str(exc).lower():
            message = "Тело запроса не разобрано: нужен JSON-объект."
            return api.create_response(request, _body(message, [{"field": "body", "message": message}]), status=400)
        return api.create_response(request, _body(str(exc)), status=exc.status_code)
