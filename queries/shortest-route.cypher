// Shortest route between two members
//
// The shortest chain of cooperation from one city (or organisation) to another, through shared
// projects and exchanges, tandems, transfers and organisations' home cities (topics do not count).
// Empty when the two are not connected within 12 steps.
//
// $source: city  id or name of the first city, e.g. amsterdam
// $target: city  id or name of the second city, e.g. berlin
MATCH (a)
WHERE (a:City OR a:Organisation) AND (a.id = $source OR toLower(a.name) = toLower($source))
MATCH (b)
WHERE (b:City OR b:Organisation) AND (b.id = $target OR toLower(b.name) = toLower($target)) AND b <> a
MATCH p = shortestPath((a)-[:PARTICIPATES_IN|ATTENDED|PART_OF|TANDEM|TRANSFERRED|BASED_IN*..12]-(b))
RETURN [n IN nodes(p) | coalesce(n.name, n.title, n.id)] AS route,
       [r IN relationships(p) | type(r)] AS via,
       length(p) AS hops
