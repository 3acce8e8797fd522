from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "jiceng.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        # orgs counts, lists, imports and exports residents through these (jiceng/orgs/people.py); imported
        # here, in ready(), because apps.py loads before the models these modules need.
        from jiceng.orgs.people import PeopleSource, register
        from jiceng.people.excel import people_export, people_import
        from jiceng.people.selectors import central_coverage, non_residents, people_search, residents

        register(PeopleSource(residents=residents, search=people_search, importer=people_import,
                              exporter=people_export, central_coverage=central_coverage,
                              non_residents=non_residents))
