"""Test data shared by several test files (never imported from another test file)."""

from __future__ import annotations

__all__ = ["TINY"]

# A small network whose every answer below was counted by hand.
#   activities and their members (hosts attend with role host):
#     p-alpha (H2020, 2018-01-01): brno L, wien L, plzen F, graz F, org-uni     p-beta (H2020, 2018-06-01): plzen, org-hub
#     p-gamma (Interreg, 2021-03-01): wien, graz                                 p-delta (no programme, no start): org-hub
#     x1 2019-04-10 energy, host brno: plzen, graz     x2 2019-09-01 energy;data: brno, wien, org-hub
#     x3 2021-05-05 data, host wien: plzen             x4 2022-02-02 mobility, host org-solo, nobody else
#   koper and org-lonely take part in nothing.
TINY = {
    "cities.csv": """\
        id,name,country,lat,lon,population,tags
        brno,Brno,CZ,49.195,16.608,382405,lighthouse
        plzen,Plzeň,CZ,49.747,13.378,168733,follower
        wien,Wien,AT,48.208,16.372,1982097,lighthouse
        graz,Graz,AT,47.071,15.439,291072,follower
        koper,Koper,SI,45.548,13.730,25753,
        """,
    "organisations.csv": """\
        id,name,type,city_id,country
        org-uni,Masaryk University,university,brno,CZ
        org-hub,Urban Innovation Hub,innovation_hub,wien,AT
        org-lonely,Lonely NGO,,,SK
        org-solo,Solo Company,company,graz,AT
        """,
    "projects.csv": """\
        id,name,title,programme,start,end,budget_eur,topics
        p-alpha,Alpha,Alpha lighthouse project,H2020,2018-01-01,2020-12-31,1000000,energy;mobility
        p-beta,Beta,,H2020,2018-06-01,,500000,mobility
        p-gamma,Gamma,,Interreg,2021-03-01,,,data
        p-delta,Delta,,,,,,
        """,
    "participations.csv": """\
        project_id,member_id,role,contribution_eur
        p-alpha,brno,lighthouse,300000
        p-alpha,wien,lighthouse,300000
        p-alpha,plzen,follower,100000
        p-alpha,graz,follower,100000
        p-alpha,org-uni,partner,
        p-beta,plzen,coordinator,
        p-beta,org-hub,partner,
        p-gamma,wien,partner,
        p-gamma,graz,partner,
        p-delta,org-hub,partner,
        """,
    "exchanges.csv": """\
        id,type,date,title,host_id,project_id,topics
        x1,study_visit,2019-04-10,Brno study visit,brno,p-alpha,energy
        x2,webinar,2019-09-01,Energy data webinar,,p-alpha,energy;data
        x3,workshop,2021-05-05,Vienna data workshop,wien,,data
        x4,conference,2022-02-02,Solo conference,org-solo,,mobility
        """,
    "attendances.csv": """\
        exchange_id,member_id,role
        x1,plzen,participant
        x1,graz,participant
        x2,brno,speaker
        x2,wien,participant
        x2,org-hub,participant
        x3,plzen,participant
        """,
    "tandems.csv": """\
        a_id,b_id,topic,since,until
        brno,plzen,energy,2019-01-01,
        wien,brno,,,
        """,
    "transfers.csv": """\
        from_id,to_id,solution,topic,date
        brno,plzen,Smart meters,energy,2020-02-01
        wien,graz,Open data portal,data;open-data,2021-07-01
        plzen,graz,Car sharing,mobility,2022-01-01
        """,
}
