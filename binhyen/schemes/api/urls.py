from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import catalogue, counts, hosts, points, structure

router = SimpleRouter()
router.register("scheme-types", catalogue.SchemeTypeViewSet, basename="api-scheme-type")
router.register("labels", catalogue.LabelViewSet, basename="api-label")
router.register("organizations", hosts.OrganizationViewSet, basename="api-organization")
router.register("schemes", points.SchemeViewSet, basename="api-scheme")
router.register("groups", structure.GroupViewSet, basename="api-group")
router.register("households", structure.HouseholdViewSet, basename="api-household")
router.register("security-teams", structure.SecurityTeamViewSet, basename="api-security-team")
router.register(
    "steering-committees", structure.SteeringCommitteeViewSet, basename="api-steering-committee"
)
router.register("boards", structure.SelfManagementBoardViewSet, basename="api-board")

urlpatterns = [
    *router.urls,
    path("scheme-counts/", counts.SchemeCountView.as_view(), name="api-scheme-counts"),
    path("structure-counts/", counts.StructureCountView.as_view(), name="api-structure-counts"),
]
