"""The graph schema both stores hold: node labels, relationship types and the properties analysis writes.

Takes nothing; gives the names every other store module (and the exporter) uses::

    (:City {id,name,country,lat,lon,population,tags})   (:Organisation {id,name,type,country})
    (:Project {id,name,title,programme,start,end,budget_eur,topics})   (:Exchange {id,type,title,date,host_id,topics})
    (:Topic {id,name})
    (:Organisation)-[:BASED_IN]->(:City)
    (member)-[:PARTICIPATES_IN {role,contribution_eur}]->(:Project)
    (member)-[:ATTENDED {role}]->(:Exchange)          # the exchange's host attends with role 'host'
    (:Exchange)-[:PART_OF]->(:Project)
    (:Project|:Exchange)-[:ABOUT]->(:Topic)
    (a)-[:TANDEM {topic,since,until}]->(b)            # topic '' when the pairing has no topic
    (a)-[:TRANSFERRED {solution,topic,date}]->(b)
    (:City)-[:TIE {strength, …}]->(:City)             # written by analysis
"""

from __future__ import annotations

from netlens.model.network import LABEL_OF_TABLE
from netlens.validation.specs import RESULT_PROPERTIES  # node properties written by analysis

__all__ = ["NODE_LABELS", "REL_TYPES", "RESULT_LABELS", "MEMBER_LABELS", "RESULT_PROPERTIES", "LABEL_OF_TABLE", "INVENTED"]

NODE_LABELS = ("City", "Organisation", "Project", "Exchange", "Topic")
REL_TYPES = ("BASED_IN", "PARTICIPATES_IN", "ATTENDED", "PART_OF", "ABOUT", "TANDEM", "TRANSFERRED", "TIE")
#: the labels whose nodes carry analysis results
RESULT_LABELS = ("City", "Organisation", "Project", "Exchange")
#: the labels of members (the ends of TANDEM, TRANSFERRED and TIE relationships)
MEMBER_LABELS = ("City", "Organisation")

#: properties kglite invents on every node/relationship; dropped on read-back where the schema lacks them
INVENTED = ("title", "type")
