"""Test data shared by several test files (import it from here, never from another test file)."""

from __future__ import annotations

__all__ = ["GAZETTEER"]

#: a tiny GeoNames ``cities1000`` extract: alternate names, a tie (two Neustadt), abbreviations, other scripts
GAZETTEER = (
    "geonameid,name,countrycode,continentcode,admin1code,latitude,longitude,population,timezone,alternatenames\n"
    "2867714,Munich,DE,EU,02,48.13743,11.57549,1505005,Europe/Berlin,München|Muenchen|Monaco di Baviera|Мюнхен\n"
    "2886242,Köln,DE,EU,07,50.93333,6.95,1024621,Europe/Berlin,Cologne|Koeln|Koln\n"
    "2864435,Neustadt,DE,EU,01,49.35,8.14,53000,Europe/Berlin,\n"
    "2864436,Neustadt,DE,EU,02,50.0,10.0,2000,Europe/Berlin,\n"
    "2980291,Saint-Étienne,FR,EU,84,45.43389,4.39,176280,Europe/Paris,St-Etienne\n"
    "2658822,Sankt Gallen,CH,EU,SG,47.42391,9.37477,75833,Europe/Zurich,St. Gallen|Saint-Gall\n"
    "3093133,Łódź,PL,EU,74,51.75,19.46667,768755,Europe/Warsaw,Lodz\n"
    "2618425,Copenhagen,DK,EU,17,55.67594,12.56553,1153615,Europe/Copenhagen,København|Kobenhavn\n"
    "264371,Athens,GR,EU,ESYE31,37.98376,23.72784,664046,Europe/Athens,Athina|Athen\n"
    "2643743,London,GB,EU,ENG,51.50853,-0.12574,8961989,Europe/London,Londres\n"
    "2988507,Paris,FR,EU,11,48.85341,2.3488,2138551,Europe/Paris,Lutece\n"
)
