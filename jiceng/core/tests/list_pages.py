"""The registry of list pages: each page that lists rows that grow with the city, by route name, with the
URL(s) the city administrator opens it at (the widest area). Two guards read it:
test_list_plans.py (no whole-table read on PostgreSQL) and test_list_query_counts.py (a pinned query
count each). A new list page is added here."""

LIST_PAGES = {
    "people:list": ["/people/", "/people/?unit={street}"],
    "people:central_households": ["/people/central-households/?grid={grid}"],
    "orgs:unit": ["/units/{city_code}/", "/units/{street}/", "/units/{building}/"],
    "orgs:party_orgs": ["/units/{community}/party-orgs/"],
    "network:integrity": ["/network/integrity/{city_code}/", "/network/integrity/{street}/"],
    "cases:desk": ["/cases/desk/"],
    "cases:queue": ["/cases/queue/"],
    "cases:board": ["/cases/board/?unit={city_code}", "/cases/board/?unit={street}"],
    "accounts:notifications": ["/accounts/inbox/"],
    "neworgs:home": ["/neworgs/"],
    "neworgs:gaps": ["/neworgs/gaps/"],
    "meetings:home": ["/meetings/"],
    "projects:home": ["/projects/"],
    "projects:assessments": ["/projects/assessments/"],
    "workforce:home": ["/workforce/"],
    "workforce:seats": ["/workforce/seats/"],
    "workforce:payrolls": ["/workforce/payrolls/"],
    "funds:budgets": ["/funds/budgets/?unit={community}"],
    "funds:spending": ["/funds/spending/?unit={community}"],
    "funds:projects": ["/funds/projects/?unit={community}"],
    "consult:matters": ["/consult/matters/"],
    "mobilize:home": ["/mobilize/"],
    "mobilize:cobuild_agencies": ["/mobilize/cobuild/agencies/"],
    "mobilize:cobuild_members": ["/mobilize/cobuild/members/"],
    "mobilize:cobuild_queue": ["/mobilize/cobuild/queue/"],
    "mobilize:cobuild_needs": ["/mobilize/cobuild/needs/"],
    "mobilize:cobuild_resources": ["/mobilize/cobuild/resources/"],
    "mobilize:cobuild_projects": ["/mobilize/cobuild/projects/"],
    "mobilize:cobuild_activities": ["/mobilize/cobuild/activities/"],
    "mobilize:cobuild_report": ["/mobilize/cobuild/report/"],
    "stations:map": ["/stations/"],
}


def urls(city):
    """[(route name, URL)] for the small test city of jiceng/conftest.py."""
    codes = {"city_code": city.city.code, "street": city.street.code, "community": city.community.code,
             "grid": city.grid.code, "building": city.building.code}
    return [(name, url.format(**codes)) for name, templates in LIST_PAGES.items() for url in templates]
