"""A health check for load balancers: the app answers and its database does too."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse


def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers a query, 503 when it does not; to GET or HEAD, as a load
    balancer may check with either."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])  # HEAD is GET without its body
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
