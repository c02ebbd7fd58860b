from django.urls import path
from rest_framework.routers import SimpleRouter

from crm.views.conversion import ConvertLeadView, JunkLeadView
from crm.views.items import DealItemsView
from crm.views.privacy import EraseView, PersonalDataView
from crm.views.records import CompanyViewSet, ContactViewSet, DealViewSet, LeadViewSet
from crm.views.settings import FieldDefinitionViewSet, PipelineViewSet

router = SimpleRouter()
router.register("crm/leads", LeadViewSet, basename="crm-lead")
router.register("crm/contacts", ContactViewSet, basename="crm-contact")
router.register("crm/companies", CompanyViewSet, basename="crm-company")
router.register("crm/deals", DealViewSet, basename="crm-deal")
router.register("crm/pipelines", PipelineViewSet, basename="crm-pipeline")
router.register("crm/fields", FieldDefinitionViewSet, basename="crm-field")

urlpatterns = [
    path("crm/leads/<int:pk>/convert/", ConvertLeadView.as_view(), name="crm-lead-convert"),
    path("crm/leads/<int:pk>/junk/", JunkLeadView.as_view(), name="crm-lead-junk"),
    *(
        route
        for plural, entity in (("leads", "lead"), ("contacts", "contact"))
        for route in (
            path(
                f"crm/{plural}/<int:pk>/personal-data/",
                PersonalDataView.as_view(entity=entity),
                name=f"crm-{entity}-personal-data",
            ),
            path(
                f"crm/{plural}/<int:pk>/erase/",
                EraseView.as_view(entity=entity),
                name=f"crm-{entity}-erase",
            ),
        )
    ),
    path("crm/deals/<int:pk>/items/", DealItemsView.as_view(), name="crm-deal-items"),
    *router.urls,
]
