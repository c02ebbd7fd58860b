from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.record import context_from
from core.api import error_responses
from permissions.access import get_document
from repository import services
from repository.serializers import LinkSerializer


class DocumentLinksView(APIView):
    @extend_schema(responses=LinkSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        document = get_document(request.user, pk)
        links = services.visible_links(request.user, document).select_related("created_by")
        return Response(LinkSerializer(links, many=True).data)

    @extend_schema(
        request=LinkSerializer,
        responses={201: LinkSerializer, **error_responses(409, e409="The link exists already.")},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = get_document(request.user, pk)
        form = LinkSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        link = services.add_link(
            context=context_from(request),
            document=document,
            target_type=form.validated_data["target_type"],
            target_id=form.validated_data["target_id"],
            relation=form.validated_data["relation"],
        )
        return Response(LinkSerializer(link).data, status=status.HTTP_201_CREATED)


class DocumentLinkDetailView(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int, link_id: int) -> Response:
        document = get_document(request.user, pk)
        link = services.visible_links(request.user, document).filter(pk=link_id).first()
        if link is None:
            raise exceptions.NotFound()
        services.remove_link(context=context_from(request), link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)
