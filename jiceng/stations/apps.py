from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "jiceng.stations"
    label = "stations"
    verbose_name = _("Service positions")

    def ready(self):
        # The walking network draws the streets of the platform's own base map (network sits below).
        from jiceng.network.basemap import roads_register
        from jiceng.stations.basemap import roads

        roads_register(roads)
