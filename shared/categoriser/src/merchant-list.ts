/**
 * Common UK and EU merchants: `Name|primary/secondary|ALIAS,ALIAS|secondary when it is a credit`.
 * Aliases are token sequences as `tokenise` produces them (upper case, no punctuation); the
 * longest alias wins, so `TESCO PFS` (fuel) beats `TESCO` (groceries). `=WORD`: an everyday word
 * that is the brand only when nothing but terminal noise follows (`CHIP`, not `CHIP SHOP`).
 */
export const MERCHANT_LIST = `
Tesco|groceries/supermarkets|TESCO,TESCO STORES,TESCO STORE,TESCO EXTRA,TESCO METRO,TESCO SUPERSTORE,TESCO GROCERIES,TESCOCOM
Tesco Express|groceries/convenience|TESCO EXPRESS
Tesco Petrol|transport/fuel|TESCO PFS,TESCO PETROL,TESCO FUEL
Tesco Mobile|bills_and_utilities/mobile|TESCO MOBILE
Tesco Bank|transfers/credit_card_payment|TESCO BANK,TESCO CREDIT CARD
Sainsbury's|groceries/supermarkets|SAINSBURYS,SAINSBURY,J SAINSBURY,JS ONLINE GROCERY,SAINSBURYS S MKTS,SAINSBURYS SMKT
Sainsbury's Local|groceries/convenience|SAINSBURYS LOCAL
Sainsbury's Petrol|transport/fuel|SAINSBURYS PETROL,SAINSBURYS PFS
Sainsbury's Bank|transfers/credit_card_payment|SAINSBURYS BANK
Asda|groceries/supermarkets|ASDA,ASDA STORES,ASDA SUPERSTORE,ASDA SUPERCENTRE,ASDA GROCERIES
Asda Petrol|transport/fuel|ASDA PETROL,ASDA PFS,ASDA EXPRESS PETROL
Morrisons|groceries/supermarkets|MORRISONS,WM MORRISON,WM MORRISONS,MORRISONS STORE
Morrisons Petrol|transport/fuel|MORRISONS PETROL,MORRISONS PFS,MORRISONS FUEL
Aldi|groceries/supermarkets|ALDI,ALDI STORES
Lidl|groceries/supermarkets|LIDL,LIDL GB,LIDL UK
Waitrose|groceries/supermarkets|WAITROSE,WAITROSE PARTNERS,WAITROSE AND PARTNERS
Marks & Spencer|groceries/supermarkets|M&S SIMPLY FOOD,M S SIMPLY FOOD,M S FOOD,MARKS&SPENCER SIMPLY FOOD,MARKS SPENCER FOOD,M&S FOOD,MS SIMPLY FOOD,MARKS SPENCER SIMPLY FOOD
Marks & Spencer|shopping/clothing|M&S,MARKS SPENCER,MARKS&SPENCER,MARKS AND SPENCER,MARKS SPENCER PLC
Co-op|groceries/convenience|COOP,CO OP,COOP FOOD,CO OP FOOD,COOP GROUP,COOPERATIVE FOOD,THE COOPERATIVE,CO OPERATIVE
Iceland|groceries/supermarkets|ICELAND,ICELAND FOODS,ICELAND STORES
Ocado|groceries/supermarkets|OCADO,OCADO RETAIL
Farmfoods|groceries/supermarkets|FARMFOODS
Spar|groceries/convenience|SPAR
Londis|groceries/convenience|LONDIS
Costcutter|groceries/convenience|COSTCUTTER
Nisa|groceries/convenience|NISA,NISA LOCAL,NISA EXTRA
One Stop|groceries/convenience|ONE STOP,ONE STOP STORES
Premier|groceries/convenience|PREMIER STORES
Budgens|groceries/convenience|BUDGENS
McColl's|groceries/convenience|MCCOLLS
Whole Foods Market|groceries/supermarkets|WHOLE FOODS,WHOLEFOODS
Planet Organic|groceries/specialist_food|PLANET ORGANIC
Holland & Barrett|health_and_fitness/pharmacy|HOLLAND BARRETT,HOLLAND AND BARRETT
Getir|groceries/convenience|GETIR
Gorillas|groceries/convenience|GORILLAS
Zapp|groceries/convenience|ZAPP
Hello Fresh|groceries/specialist_food|HELLOFRESH,HELLO FRESH
Gousto|groceries/specialist_food|GOUSTO
Abel & Cole|groceries/specialist_food|ABEL COLE
Greggs|food_and_drink/fast_food|GREGGS
McDonald's|food_and_drink/fast_food|MCDONALDS,MC DONALDS,MCDONALD S,MCD
Burger King|food_and_drink/fast_food|BURGER KING
KFC|food_and_drink/fast_food|KFC,KENTUCKY FRIED CHICKEN
Subway|food_and_drink/fast_food|SUBWAY
Five Guys|food_and_drink/fast_food|FIVE GUYS
Taco Bell|food_and_drink/fast_food|TACO BELL
Popeyes|food_and_drink/fast_food|POPEYES
Wendy's|food_and_drink/fast_food|WENDYS
German Doner Kebab|food_and_drink/fast_food|GERMAN DONER KEBAB,GDK
Leon|food_and_drink/fast_food|LEON RESTAURANTS
Pret A Manger|food_and_drink/coffee_shops|PRET,PRET A MANGER
Costa Coffee|food_and_drink/coffee_shops|COSTA,COSTA COFFEE
Starbucks|food_and_drink/coffee_shops|STARBUCKS,STARBUCKS COFFEE
Caffe Nero|food_and_drink/coffee_shops|CAFFE NERO,NERO,CAFE NERO
Black Sheep Coffee|food_and_drink/coffee_shops|BLACK SHEEP COFFEE
Gail's|food_and_drink/coffee_shops|GAILS,GAILS BAKERY
Joe & The Juice|food_and_drink/coffee_shops|JOE THE JUICE,JOE AND THE JUICE
Itsu|food_and_drink/restaurants|ITSU
Wasabi|food_and_drink/restaurants|WASABI
Wagamama|food_and_drink/restaurants|WAGAMAMA
Nando's|food_and_drink/restaurants|NANDOS
Pizza Express|food_and_drink/restaurants|PIZZA EXPRESS,PIZZAEXPRESS
Zizzi|food_and_drink/restaurants|ZIZZI
Prezzo|food_and_drink/restaurants|PREZZO
Ask Italian|food_and_drink/restaurants|ASK ITALIAN
Bella Italia|food_and_drink/restaurants|BELLA ITALIA
Frankie & Benny's|food_and_drink/restaurants|FRANKIE BENNYS
Harvester|food_and_drink/restaurants|HARVESTER
Toby Carvery|food_and_drink/restaurants|TOBY CARVERY
Beefeater|food_and_drink/restaurants|BEEFEATER
Miller & Carter|food_and_drink/restaurants|MILLER CARTER
Dishoom|food_and_drink/restaurants|DISHOOM
Tortilla|food_and_drink/restaurants|TORTILLA
Wahaca|food_and_drink/restaurants|WAHACA
Yo! Sushi|food_and_drink/restaurants|YO SUSHI
Pizza Hut|food_and_drink/restaurants|PIZZA HUT
Franco Manca|food_and_drink/restaurants|FRANCO MANCA
Honest Burgers|food_and_drink/restaurants|HONEST BURGERS
TGI Fridays|food_and_drink/restaurants|TGI FRIDAYS,TGI
Côte Brasserie|food_and_drink/restaurants|COTE BRASSERIE,COTE
Byron|food_and_drink/restaurants|BYRON
Domino's|food_and_drink/takeaway_and_delivery|DOMINOS,DOMINOS PIZZA
Papa John's|food_and_drink/takeaway_and_delivery|PAPA JOHNS
Just Eat|food_and_drink/takeaway_and_delivery|JUST EAT,JUSTEAT,JUST EAT CO UK,JUSTEATCOUK
Deliveroo|food_and_drink/takeaway_and_delivery|DELIVEROO,DELIVEROO PLUS
Uber Eats|food_and_drink/takeaway_and_delivery|UBER EATS,UBEREATS,UBER EAT
Wetherspoons|food_and_drink/pubs_and_bars|WETHERSPOON,WETHERSPOONS,JD WETHERSPOON,J D WETHERSPOON
Greene King|food_and_drink/pubs_and_bars|GREENE KING
Brewdog|food_and_drink/pubs_and_bars|BREWDOG
All Bar One|food_and_drink/pubs_and_bars|ALL BAR ONE
Nicholson's|food_and_drink/pubs_and_bars|NICHOLSONS
Slug & Lettuce|food_and_drink/pubs_and_bars|SLUG LETTUCE,SLUG AND LETTUCE
Shell|transport/fuel|SHELL,SHELL UK,SHELL SERVICE STATION
BP|transport/fuel|BP,BP PETROL,BP CONNECT,BP EXPRESS
Esso|transport/fuel|ESSO
Texaco|transport/fuel|TEXACO
Jet|transport/fuel|JET,JET PETROL
Gulf|transport/fuel|GULF
Applegreen|transport/fuel|APPLEGREEN
Moto|transport/fuel|MOTO,MOTO HOSPITALITY
Welcome Break|transport/fuel|WELCOME BREAK
Euro Garages|transport/fuel|EURO GARAGES,EG GROUP
Transport for London|transport/public_transport|TFL,TFL TRAVEL,TFL TRAVEL CH,TRANSPORT FOR LONDON,TFL GOV UK,OYSTER,TFL OYSTER
Trainline|transport/public_transport|TRAINLINE,THETRAINLINE,TRAINLINE COM,THE TRAINLINE
National Rail|transport/public_transport|NATIONAL RAIL
LNER|transport/public_transport|LNER,LNER TICKETS
Avanti West Coast|transport/public_transport|AVANTI,AVANTI WEST COAST
GWR|transport/public_transport|GWR,GREAT WESTERN RAIL,GREAT WESTERN RAILWAY
Northern|transport/public_transport|NORTHERN RAIL,NORTHERN TRAINS
Southern|transport/public_transport|SOUTHERN RAIL,SOUTHERN RAILWAY
Southeastern|transport/public_transport|SOUTHEASTERN,SE TRAINS
South Western Railway|transport/public_transport|SWR,SOUTH WESTERN RAILWAY
Thameslink|transport/public_transport|THAMESLINK
CrossCountry|transport/public_transport|CROSSCOUNTRY,CROSS COUNTRY TRAINS
TransPennine Express|transport/public_transport|TRANSPENNINE,TPE
ScotRail|transport/public_transport|SCOTRAIL
Transport for Wales|transport/public_transport|TFW,TRANSPORT FOR WALES
Greater Anglia|transport/public_transport|GREATER ANGLIA
c2c|transport/public_transport|C2C
Chiltern Railways|transport/public_transport|CHILTERN RAILWAYS
Merseyrail|transport/public_transport|MERSEYRAIL
Stagecoach|transport/public_transport|STAGECOACH,STAGECOACH BUS
Arriva|transport/public_transport|ARRIVA
First Bus|transport/public_transport|FIRST BUS,FIRSTBUS,FIRST GROUP
National Express|transport/public_transport|NATIONAL EXPRESS,NATEXPRESS
Megabus|transport/public_transport|MEGABUS
Go-Ahead|transport/public_transport|GO AHEAD
Metrolink|transport/public_transport|METROLINK,TFGM
Lime|transport/public_transport|=LIME,LIME RIDE
Santander Cycles|transport/public_transport|SANTANDER CYCLES
Uber|transport/taxis_and_rideshare|UBER,UBER TRIP,UBER BV,UBR
Bolt|transport/taxis_and_rideshare|BOLT,BOLT EU
Free Now|transport/taxis_and_rideshare|FREE NOW,FREENOW,MYTAXI
Addison Lee|transport/taxis_and_rideshare|ADDISON LEE
Gett|transport/taxis_and_rideshare|GETT
Ola|transport/taxis_and_rideshare|OLA CABS
Veezu|transport/taxis_and_rideshare|VEEZU
RingGo|transport/parking|RINGGO,RING GO
PayByPhone|transport/parking|PAYBYPHONE,PAY BY PHONE
JustPark|transport/parking|JUSTPARK
NCP|transport/parking|NCP,NCP CAR PARK,NCP LTD
APCOA|transport/parking|APCOA
Q-Park|transport/parking|Q PARK,QPARK
Euro Car Parks|transport/parking|EURO CAR PARKS
Dart Charge|transport/tolls_and_charges|DART CHARGE,DARTFORD CROSSING
Council Parking|transport/parking|COUNCIL PARKING,CITY COUNCIL PARKING,BOROUGH COUNCIL PARKING,COUNCIL CAR PARK,COUNCIL PCN
Congestion Charge|transport/tolls_and_charges|CONGESTION CHARGE,TFL CONGESTION,TFL ULEZ,ULEZ
M6 Toll|transport/tolls_and_charges|M6 TOLL,M6TOLL
DVLA|transport/tolls_and_charges|DVLA,DVLA VEHICLE TAX,DVLA VEH TAX
Kwik Fit|transport/car_maintenance|KWIK FIT,KWIKFIT
Halfords|transport/car_maintenance|HALFORDS,HALFORDS AUTOCENTRE
Formula One Autocentres|transport/car_maintenance|FORMULA ONE AUTOCENTRES,F1 AUTOCENTRES
National Tyres|transport/car_maintenance|NATIONAL TYRES
ATS Euromaster|transport/car_maintenance|ATS EUROMASTER
RAC|transport/car_maintenance|RAC,RAC MOTORING
AA|transport/car_maintenance|THE AA,AA MEMBERSHIP,AUTOMOBILE ASSOCIATION
Zipcar|transport/car_maintenance|ZIPCAR
Tesla|transport/fuel|TESLA SUPERCHARGER
Pod Point|transport/fuel|POD POINT
Amazon|shopping/online_marketplaces|AMAZON,AMZN,AMZNMKTPLACE,AMZN MKTP,AMAZON MKTPLACE,AMAZON MARKETPLACE,AMAZONCOUK,AMAZON CO UK,AMAZON EU,AMZ
Amazon Prime|bills_and_utilities/subscriptions|AMAZON PRIME,AMZN PRIME,PRIME MEMBERSHIP,AMAZONPRIME
Prime Video|entertainment/streaming|PRIME VIDEO,AMAZON PRIME VIDEO,AMAZON VIDEO
Audible|entertainment/streaming|AUDIBLE
Kindle|shopping/books_and_stationery|KINDLE,AMAZON KINDLE,KINDLE SVCS
eBay|shopping/online_marketplaces|EBAY,EBAY O,EBAY MARKETPLACE|income/other_income
Etsy|shopping/online_marketplaces|ETSY,ETSY COM|income/other_income
Vinted|shopping/online_marketplaces|VINTED|income/other_income
Depop|shopping/online_marketplaces|DEPOP|income/other_income
AliExpress|shopping/online_marketplaces|ALIEXPRESS,ALIPAY ALIEXPRESS
Temu|shopping/online_marketplaces|TEMU,TEMU COM
Shein|shopping/clothing|SHEIN
Wish|shopping/online_marketplaces|WISH COM
Argos|shopping/general|ARGOS,ARGOS LTD
Currys|shopping/electronics|CURRYS,CURRYS PC WORLD,PC WORLD,DIXONS CARPHONE
Apple Store|shopping/electronics|APPLE STORE,APPLE RETAIL
Apple|entertainment/streaming|APPLE,APPLE COM,APPLE COM BILL,ITUNES,ITUNES COM
Google Play|entertainment/games|GOOGLE PLAY,GOOGLE PLAY APPS
Google|bills_and_utilities/subscriptions|GOOGLE,GOOGLE STORAGE,GOOGLE ONE,GOOGLE CLOUD
Microsoft|bills_and_utilities/subscriptions|MICROSOFT,MSFT,MICROSOFT 365,MICROSOFT OFFICE
Xbox|entertainment/games|XBOX,XBOX LIVE,MICROSOFT XBOX
PlayStation|entertainment/games|PLAYSTATION,PLAYSTATION NETWORK,PSN,SONY PLAYSTATION,SONY INTERACTIVE
Nintendo|entertainment/games|NINTENDO,NINTENDO ESHOP
Steam|entertainment/games|STEAM,STEAMGAMES,STEAM GAMES,VALVE
Epic Games|entertainment/games|EPIC GAMES
GAME|entertainment/games|GAME RETAIL,GAME DIGITAL
CEX|shopping/electronics|CEX,CEX LTD
Cash Converters|shopping/general|CASH CONVERTERS|income/other_income
Samsung|shopping/electronics|SAMSUNG,SAMSUNG ELECTRONICS
Very|shopping/general|VERY,VERY CO UK
John Lewis|shopping/general|JOHN LEWIS,JOHN LEWIS PARTNERS,JOHNLEWIS
Debenhams|shopping/clothing|DEBENHAMS
House of Fraser|shopping/clothing|HOUSE OF FRASER
Selfridges|shopping/clothing|SELFRIDGES
Harrods|shopping/general|HARRODS
Boots|health_and_fitness/pharmacy|BOOTS,BOOTS THE CHEMIST,BOOTS UK
Superdrug|personal_care/toiletries|SUPERDRUG
Lloyds Pharmacy|health_and_fitness/pharmacy|LLOYDS PHARMACY,LLOYDSPHARMACY
Well Pharmacy|health_and_fitness/pharmacy|WELL PHARMACY
Savers|personal_care/toiletries|SAVERS
The Body Shop|personal_care/toiletries|THE BODY SHOP,BODY SHOP
Lush|personal_care/toiletries|LUSH
Boots Opticians|health_and_fitness/optical|BOOTS OPTICIANS
Specsavers|health_and_fitness/optical|SPECSAVERS
Vision Express|health_and_fitness/optical|VISION EXPRESS
Bupa|insurance/health|BUPA
Vitality|insurance/health|VITALITY,VITALITY HEALTH,VITALITYLIFE
AXA Health|insurance/health|AXA HEALTH,AXA PPP
Primark|shopping/clothing|PRIMARK
Next|shopping/clothing|=NEXT,NEXT RETAIL,NEXT DIRECTORY,NEXT PLC
H&M|shopping/clothing|H&M,HM,H M,HENNES
Zara|shopping/clothing|ZARA
Uniqlo|shopping/clothing|UNIQLO
ASOS|shopping/clothing|ASOS,ASOS COM
Boohoo|shopping/clothing|BOOHOO,BOOHOO COM
PrettyLittleThing|shopping/clothing|PRETTYLITTLETHING,PRETTY LITTLE THING,PLT
New Look|shopping/clothing|NEW LOOK
River Island|shopping/clothing|RIVER ISLAND
TK Maxx|shopping/clothing|TK MAXX,TKMAXX,TJX
Sports Direct|shopping/clothing|SPORTS DIRECT,SPORTSDIRECT
JD Sports|shopping/clothing|JD SPORTS,JDSPORTS
Footasylum|shopping/clothing|FOOTASYLUM
Schuh|shopping/clothing|SCHUH
Clarks|shopping/clothing|CLARKS
Matalan|shopping/clothing|MATALAN
Mango|shopping/clothing|MANGO
Fat Face|shopping/clothing|FAT FACE,FATFACE
White Stuff|shopping/clothing|WHITE STUFF
Joules|shopping/clothing|JOULES
Superdry|shopping/clothing|SUPERDRY
Nike|shopping/clothing|NIKE,NIKE COM
Adidas|shopping/clothing|ADIDAS
Decathlon|shopping/general|DECATHLON
IKEA|shopping/home_and_garden|IKEA
B&Q|shopping/home_and_garden|B&Q,BQ,B Q,B AND Q
Homebase|shopping/home_and_garden|HOMEBASE
Wickes|shopping/home_and_garden|WICKES
Screwfix|shopping/home_and_garden|SCREWFIX
Toolstation|shopping/home_and_garden|TOOLSTATION
Dunelm|shopping/home_and_garden|DUNELM
The Range|shopping/home_and_garden|THE RANGE,CDS SUPERSTORES
Wilko|shopping/home_and_garden|WILKO,WILKINSON
B&M|shopping/general|B&M,BM BARGAINS,B M RETAIL,B AND M
Home Bargains|shopping/general|HOME BARGAINS,TJ MORRIS
Poundland|shopping/general|POUNDLAND
Poundstretcher|shopping/general|POUNDSTRETCHER
The Works|shopping/books_and_stationery|THE WORKS
Hobbycraft|entertainment/hobbies|HOBBYCRAFT
Dobbies|shopping/home_and_garden|DOBBIES
Wyevale|shopping/home_and_garden|WYEVALE
Notonthehighstreet|shopping/online_marketplaces|NOTONTHEHIGHSTREET,NOTHS
Waterstones|shopping/books_and_stationery|WATERSTONES
WHSmith|shopping/books_and_stationery|WHSMITH,WH SMITH,W H SMITH
Ryman|shopping/books_and_stationery|RYMAN
Paperchase|shopping/books_and_stationery|PAPERCHASE
Card Factory|shopping/books_and_stationery|CARD FACTORY,CARDFACTORY
Clintons|shopping/books_and_stationery|CLINTONS
Pets at Home|shopping/pets|PETS AT HOME,PETSATHOME
Jollyes|shopping/pets|JOLLYES
Zooplus|shopping/pets|ZOOPLUS
Smyths|shopping/general|SMYTHS,SMYTHS TOYS
The Entertainer|shopping/general|THE ENTERTAINER
Lego|shopping/general|LEGO
Mothercare|shopping/general|MOTHERCARE
Netflix|entertainment/streaming|NETFLIX,NETFLIX COM
Disney+|entertainment/streaming|DISNEY PLUS,DISNEYPLUS,DISNEY
NOW|entertainment/streaming|NOW TV,NOWTV
Spotify|entertainment/music|SPOTIFY,SPOTIFY UK,SPOTIFY AB
Apple Music|entertainment/music|APPLE MUSIC
YouTube|entertainment/streaming|YOUTUBE,YOUTUBE PREMIUM,GOOGLE YOUTUBE,YOUTUBEPREMIUM
Deezer|entertainment/music|DEEZER
Tidal|entertainment/music|TIDAL
Paramount+|entertainment/streaming|PARAMOUNT,PARAMOUNT PLUS
Britbox|entertainment/streaming|BRITBOX
Twitch|entertainment/streaming|TWITCH
Patreon|entertainment/hobbies|PATREON
Odeon|entertainment/cinema_and_events|ODEON,ODEON CINEMAS
Vue|entertainment/cinema_and_events|VUE,VUE CINEMAS,VUE ENTERTAINMENT
Cineworld|entertainment/cinema_and_events|CINEWORLD
Picturehouse|entertainment/cinema_and_events|PICTUREHOUSE
Everyman|entertainment/cinema_and_events|EVERYMAN,EVERYMAN CINEMA
Showcase|entertainment/cinema_and_events|SHOWCASE CINEMAS
Ticketmaster|entertainment/cinema_and_events|TICKETMASTER
See Tickets|entertainment/cinema_and_events|SEETICKETS,SEE TICKETS
Eventbrite|entertainment/cinema_and_events|EVENTBRITE
Dice|entertainment/cinema_and_events|DICE FM
AXS|entertainment/cinema_and_events|AXS
Skiddle|entertainment/cinema_and_events|SKIDDLE
ATG Tickets|entertainment/cinema_and_events|ATG TICKETS
National Trust|entertainment/hobbies|NATIONAL TRUST
English Heritage|entertainment/hobbies|ENGLISH HERITAGE
Merlin Entertainments|entertainment/cinema_and_events|MERLIN,MERLIN ENTERTAINMENTS,ALTON TOWERS,THORPE PARK,LEGOLAND
Hollywood Bowl|entertainment/hobbies|HOLLYWOOD BOWL
PureGym|health_and_fitness/gym_and_sport|PUREGYM,PURE GYM
The Gym Group|health_and_fitness/gym_and_sport|THE GYM GROUP,THE GYM,GYM GROUP
David Lloyd|health_and_fitness/gym_and_sport|DAVID LLOYD,DAVID LLOYD CLUBS
Virgin Active|health_and_fitness/gym_and_sport|VIRGIN ACTIVE
Nuffield Health|health_and_fitness/gym_and_sport|NUFFIELD HEALTH,NUFFIELD
Anytime Fitness|health_and_fitness/gym_and_sport|ANYTIME FITNESS
Fitness First|health_and_fitness/gym_and_sport|FITNESS FIRST
Better|health_and_fitness/gym_and_sport|BETTER LEISURE,GLL BETTER,BETTER GYM
Everyone Active|health_and_fitness/gym_and_sport|EVERYONE ACTIVE
Strava|health_and_fitness/gym_and_sport|STRAVA
Peloton|health_and_fitness/gym_and_sport|PELOTON
ClassPass|health_and_fitness/gym_and_sport|CLASSPASS
Bannatyne|health_and_fitness/gym_and_sport|BANNATYNE,BANNATYNES
Myprotein|health_and_fitness/gym_and_sport|MYPROTEIN,THE HUT GROUP
British Gas|bills_and_utilities/energy|BRITISH GAS,BRITISHGAS,BRITISH GAS SERVICES
Octopus Energy|bills_and_utilities/energy|OCTOPUS ENERGY,OCTOPUS
EDF Energy|bills_and_utilities/energy|EDF,EDF ENERGY
E.ON|bills_and_utilities/energy|EON,E ON,EON NEXT,E ON NEXT
OVO Energy|bills_and_utilities/energy|OVO,OVO ENERGY
Scottish Power|bills_and_utilities/energy|SCOTTISH POWER,SCOTTISHPOWER
SSE|bills_and_utilities/energy|SSE,SSE ENERGY,SSE AIRTRICITY
Bulb|bills_and_utilities/energy|BULB,BULB ENERGY
So Energy|bills_and_utilities/energy|SO ENERGY
Utility Warehouse|bills_and_utilities/energy|UTILITY WAREHOUSE,UTILITYWAREHOUSE
Shell Energy|bills_and_utilities/energy|SHELL ENERGY
Good Energy|bills_and_utilities/energy|GOOD ENERGY
Ecotricity|bills_and_utilities/energy|ECOTRICITY
Calor Gas|bills_and_utilities/energy|CALOR,CALOR GAS
Thames Water|bills_and_utilities/water|THAMES WATER
Severn Trent|bills_and_utilities/water|SEVERN TRENT,SEVERN TRENT WATER
United Utilities|bills_and_utilities/water|UNITED UTILITIES,UNITED UTILITIES WATER
Anglian Water|bills_and_utilities/water|ANGLIAN WATER
Yorkshire Water|bills_and_utilities/water|YORKSHIRE WATER
Southern Water|bills_and_utilities/water|SOUTHERN WATER
South West Water|bills_and_utilities/water|SOUTH WEST WATER
Welsh Water|bills_and_utilities/water|WELSH WATER,DWR CYMRU
Wessex Water|bills_and_utilities/water|WESSEX WATER
Affinity Water|bills_and_utilities/water|AFFINITY WATER
Northumbrian Water|bills_and_utilities/water|NORTHUMBRIAN WATER
Scottish Water|bills_and_utilities/water|SCOTTISH WATER
South East Water|bills_and_utilities/water|SOUTH EAST WATER
Bristol Water|bills_and_utilities/water|BRISTOL WATER
EE|bills_and_utilities/mobile|EE,EE LIMITED,EE MOBILE
O2|bills_and_utilities/mobile|O2,TELEFONICA,O2 UK,TELEFONICA UK
Vodafone|bills_and_utilities/mobile|VODAFONE,VODAFONE UK,VODAFONE LTD
Three|bills_and_utilities/mobile|=THREE,3UK,H3G,HUTCHISON 3G,THREE UK
giffgaff|bills_and_utilities/mobile|GIFFGAFF
Lebara|bills_and_utilities/mobile|LEBARA
Lyca Mobile|bills_and_utilities/mobile|LYCAMOBILE,LYCA MOBILE
Voxi|bills_and_utilities/mobile|VOXI
Smarty|bills_and_utilities/mobile|SMARTY
iD Mobile|bills_and_utilities/mobile|ID MOBILE
Sky Mobile|bills_and_utilities/mobile|SKY MOBILE
BT|bills_and_utilities/broadband_and_tv|BT,BT GROUP,BRITISH TELECOM,BT BROADBAND
Sky|bills_and_utilities/broadband_and_tv|SKY,SKY DIGITAL,SKY UK,SKY SUBSCRIPTION,SKY BROADBAND
Virgin Media|bills_and_utilities/broadband_and_tv|VIRGIN MEDIA,VIRGINMEDIA,VIRGIN MEDIA LTD
TalkTalk|bills_and_utilities/broadband_and_tv|TALKTALK,TALK TALK
Plusnet|bills_and_utilities/broadband_and_tv|PLUSNET
Hyperoptic|bills_and_utilities/broadband_and_tv|HYPEROPTIC
Community Fibre|bills_and_utilities/broadband_and_tv|COMMUNITY FIBRE
Shell Broadband|bills_and_utilities/broadband_and_tv|SHELL BROADBAND
TV Licence|bills_and_utilities/tv_licence|TV LICENCE,TV LICENSING,TVL,TV LICENCE MBP,TV LICENSING MBP
Council Tax|bills_and_utilities/council_tax|COUNCIL TAX,COUNCIL,BOROUGH COUNCIL,CITY COUNCIL,DISTRICT COUNCIL,LB OF,LONDON BOROUGH
Rightmove|housing/rent|RIGHTMOVE
OpenRent|housing/rent|OPENRENT
Foxtons|housing/rent|FOXTONS
Savills|housing/rent|SAVILLS
Countrywide|housing/rent|COUNTRYWIDE
Grainger|housing/rent|GRAINGER
Checkatrade|housing/maintenance|CHECKATRADE
Nationwide|housing/mortgage|NATIONWIDE MORTGAGE,NATIONWIDE BS MORTGAGE
Halifax Mortgage|housing/mortgage|HALIFAX MORTGAGE
Barclays Mortgage|housing/mortgage|BARCLAYS MORTGAGE
Santander Mortgage|housing/mortgage|SANTANDER MORTGAGE
Lloyds Mortgage|housing/mortgage|LLOYDS MORTGAGE
NatWest Mortgage|housing/mortgage|NATWEST MORTGAGE
HSBC Mortgage|housing/mortgage|HSBC MORTGAGE
Coventry BS|housing/mortgage|COVENTRY BUILDING SOCIETY,COVENTRY BS
Yorkshire BS|housing/mortgage|YORKSHIRE BUILDING SOCIETY,YBS
Barclaycard|transfers/credit_card_payment|BARCLAYCARD
American Express|transfers/credit_card_payment|AMERICAN EXPRESS,AMEX
Capital One|transfers/credit_card_payment|CAPITAL ONE
MBNA|transfers/credit_card_payment|MBNA
Vanquis|transfers/credit_card_payment|VANQUIS
Aqua|transfers/credit_card_payment|AQUA CARD,AQUA
Klarna|shopping/general|KLARNA
Clearpay|shopping/general|CLEARPAY
Laybuy|shopping/general|LAYBUY
PayPal Credit|transfers/credit_card_payment|PAYPAL CREDIT
Direct Line|insurance/car|DIRECT LINE,DIRECTLINE
Admiral|insurance/car|ADMIRAL,ADMIRAL INSURANCE
Aviva|insurance/home|AVIVA,AVIVA INSURANCE
Churchill|insurance/car|CHURCHILL,CHURCHILL INSURANCE
Hastings Direct|insurance/car|HASTINGS DIRECT,HASTINGS INSURANCE
LV=|insurance/car|LV,LIVERPOOL VICTORIA,LV INSURANCE
Esure|insurance/car|ESURE
Sheilas' Wheels|insurance/car|SHEILAS WHEELS
Tesco Insurance|insurance/car|TESCO INSURANCE,TESCO CAR INSURANCE
Swinton|insurance/car|SWINTON
Legal & General|insurance/life|LEGAL GENERAL,LEGAL AND GENERAL,L&G
Royal London|insurance/life|ROYAL LONDON
Zurich|insurance/life|ZURICH
Scottish Widows|insurance/life|SCOTTISH WIDOWS
Petplan|insurance/pet|PETPLAN,PET PLAN
Animal Friends|insurance/pet|ANIMAL FRIENDS
Compare the Market|insurance/car|COMPARE THE MARKET
Endsleigh|insurance/home|ENDSLEIGH
Simplyhealth|insurance/health|SIMPLYHEALTH,SIMPLY HEALTH
Ryanair|travel/flights|RYANAIR
easyJet|travel/flights|EASYJET,EASYJET COM,EASYJET AIRLINE
British Airways|travel/flights|BRITISH AIRWAYS,BRITISH AWYS,BA COM,BA
Jet2|travel/flights|JET2,JET2 COM,JET2HOLIDAYS
Wizz Air|travel/flights|WIZZ AIR,WIZZAIR,WIZZ
Virgin Atlantic|travel/flights|VIRGIN ATLANTIC
Loganair|travel/flights|LOGANAIR
Aer Lingus|travel/flights|AER LINGUS
KLM|travel/flights|KLM
Lufthansa|travel/flights|LUFTHANSA
Air France|travel/flights|AIR FRANCE
Emirates|travel/flights|EMIRATES
Vueling|travel/flights|VUELING
TUI|travel/holidays|TUI,TUI UK,TUI HOLIDAYS
Booking.com|travel/hotels|BOOKING COM,BOOKINGCOM,BOOKING
Airbnb|travel/hotels|AIRBNB|income/other_income
Expedia|travel/holidays|EXPEDIA
Hotels.com|travel/hotels|HOTELS COM,HOTELSCOM
Premier Inn|travel/hotels|PREMIER INN
Travelodge|travel/hotels|TRAVELODGE
Holiday Inn|travel/hotels|HOLIDAY INN
Hilton|travel/hotels|HILTON
Marriott|travel/hotels|MARRIOTT
Ibis|travel/hotels|IBIS
Hostelworld|travel/hotels|HOSTELWORLD
Trivago|travel/hotels|TRIVAGO
Lastminute.com|travel/holidays|LASTMINUTE,LASTMINUTE COM
loveholidays|travel/holidays|LOVEHOLIDAYS
On the Beach|travel/holidays|ON THE BEACH
Center Parcs|travel/holidays|CENTER PARCS
Haven|travel/holidays|HAVEN HOLIDAYS,HAVEN
Butlins|travel/holidays|BUTLINS
Eurostar|travel/rail|EUROSTAR
SNCF|travel/rail|SNCF,SNCF CONNECT,OUIGO
Deutsche Bahn|travel/rail|DEUTSCHE BAHN,DB BAHN
Eurotunnel|travel/rail|EUROTUNNEL,LE SHUTTLE
P&O Ferries|travel/holidays|P&O FERRIES,PO FERRIES,P O FERRIES
Stena Line|travel/holidays|STENA LINE
DFDS|travel/holidays|DFDS
Enterprise Rent-A-Car|travel/car_hire|ENTERPRISE RENT,ENTERPRISE RENTACAR,ENTERPRISE
Hertz|travel/car_hire|HERTZ
Avis|travel/car_hire|AVIS
Europcar|travel/car_hire|EUROPCAR
Sixt|travel/car_hire|SIXT
Rentalcars.com|travel/car_hire|RENTALCARS,RENTALCARS COM
Heathrow|travel/flights|HEATHROW,HEATHROW EXPRESS
Gatwick|travel/flights|GATWICK,GATWICK EXPRESS
World Duty Free|travel/foreign_spend|WORLD DUTY FREE,WORLDDUTYFREE
Carrefour|groceries/supermarkets|CARREFOUR
Auchan|groceries/supermarkets|AUCHAN
Intermarche|groceries/supermarkets|INTERMARCHE
Leclerc|groceries/supermarkets|LECLERC,E LECLERC
Mercadona|groceries/supermarkets|MERCADONA
Rewe|groceries/supermarkets|REWE
Edeka|groceries/supermarkets|EDEKA
Albert Heijn|groceries/supermarkets|ALBERT HEIJN
Monoprix|groceries/supermarkets|MONOPRIX
Esselunga|groceries/supermarkets|ESSELUNGA
Conad|groceries/supermarkets|CONAD
Continente|groceries/supermarkets|CONTINENTE
Pingo Doce|groceries/supermarkets|PINGO DOCE
Dunnes Stores|groceries/supermarkets|DUNNES,DUNNES STORES
SuperValu|groceries/supermarkets|SUPERVALU
Tesco Ireland|groceries/supermarkets|TESCO IRELAND
Bet365|gambling/betting|BET365,BET 365
William Hill|gambling/betting|WILLIAM HILL,WILLIAMHILL,WILLIAM HILL ORG
Ladbrokes|gambling/betting|LADBROKES
Coral|gambling/betting|CORAL,CORAL RACING
Paddy Power|gambling/betting|PADDY POWER,PADDYPOWER
Betfair|gambling/betting|BETFAIR
Sky Bet|gambling/betting|SKY BET,SKYBET,SKY BETTING
Betfred|gambling/betting|BETFRED
Betway|gambling/betting|BETWAY
Unibet|gambling/betting|UNIBET
888|gambling/casino|888,888 HOLDINGS,888 CASINO
PokerStars|gambling/casino|POKERSTARS
Grosvenor Casinos|gambling/casino|GROSVENOR CASINO,GROSVENOR CASINOS
National Lottery|gambling/lottery|NATIONAL LOTTERY,NATL LOTTERY,CAMELOT,ALLWYN,LOTTO
Postcode Lottery|gambling/lottery|POSTCODE LOTTERY,PEOPLES POSTCODE
Premium Bonds|savings_and_investments/savings|NS&I,NS I,NSI,PREMIUM BONDS,NATIONAL SAVINGS
Vanguard|savings_and_investments/investments|VANGUARD,VANGUARD ASSET
Hargreaves Lansdown|savings_and_investments/investments|HARGREAVES LANSDOWN,HARGREAVES,HL
AJ Bell|savings_and_investments/investments|AJ BELL,AJBELL
Trading 212|savings_and_investments/investments|TRADING 212,TRADING212
Freetrade|savings_and_investments/investments|FREETRADE
Nutmeg|savings_and_investments/investments|NUTMEG
Moneybox|savings_and_investments/savings|MONEYBOX
Plum|savings_and_investments/savings|=PLUM
Chip|savings_and_investments/savings|=CHIP
Interactive Investor|savings_and_investments/investments|INTERACTIVE INVESTOR
Fidelity|savings_and_investments/investments|FIDELITY
eToro|savings_and_investments/investments|ETORO
Coinbase|savings_and_investments/crypto|COINBASE
Binance|savings_and_investments/crypto|BINANCE
Kraken|savings_and_investments/crypto|KRAKEN
Crypto.com|savings_and_investments/crypto|CRYPTO COM,CRYPTOCOM
PensionBee|savings_and_investments/pension_contributions|PENSIONBEE,PENSION BEE
Nest Pensions|savings_and_investments/pension_contributions|NEST PENSIONS,=NEST
HMRC|taxes/income_tax|HMRC,HM REVENUE,HMRC GOV UK,HMRC SELF ASSESSMENT,HMRC SA,HMRC PAYE|taxes/income_tax
HMRC VAT|taxes/vat|HMRC VAT,VAT PAYMENT
HMRC Child Benefit|income/benefits|HMRC CHILD BENEFIT,CHILD BENEFIT,HMRC CHB
DWP|income/benefits|DWP,DWP UC,UNIVERSAL CREDIT,DWP PIP,DWP ESA,DWP JSA,DWP CMS
Department for Work and Pensions|income/pension|DWP STATE PENSION,STATE PENSION,DWP SP
Student Loans Company|education/tuition|STUDENT LOANS COMPANY,SLC,STUDENT LOAN|income/other_income
Gov.uk|other/government|GOV UK,GOVUK,HM PASSPORT,HM PASSPORT OFFICE,HM COURTS,DBS
Post Office|other/government|POST OFFICE,POSTOFFICE
Royal Mail|other/business_services|ROYAL MAIL,ROYALMAIL
Evri|other/business_services|EVRI,HERMES
DPD|other/business_services|DPD
Cancer Research UK|gifts_and_donations/charity|CANCER RESEARCH,CANCER RESEARCH UK,CRUK
British Red Cross|gifts_and_donations/charity|BRITISH RED CROSS,RED CROSS
Oxfam|gifts_and_donations/charity|OXFAM
RSPCA|gifts_and_donations/charity|RSPCA
RSPB|gifts_and_donations/charity|RSPB
NSPCC|gifts_and_donations/charity|NSPCC
Macmillan|gifts_and_donations/charity|MACMILLAN,MACMILLAN CANCER
British Heart Foundation|gifts_and_donations/charity|BRITISH HEART FOUNDATION,BHF
Save the Children|gifts_and_donations/charity|SAVE THE CHILDREN
Barnardo's|gifts_and_donations/charity|BARNARDOS
Age UK|gifts_and_donations/charity|AGE UK
Shelter|gifts_and_donations/charity|SHELTER
Mind|gifts_and_donations/charity|MIND CHARITY
Comic Relief|gifts_and_donations/charity|COMIC RELIEF
Children in Need|gifts_and_donations/charity|CHILDREN IN NEED
Dogs Trust|gifts_and_donations/charity|DOGS TRUST
Battersea|gifts_and_donations/charity|BATTERSEA DOGS,BATTERSEA
JustGiving|gifts_and_donations/charity|JUSTGIVING,JUST GIVING
GoFundMe|gifts_and_donations/charity|GOFUNDME,GO FUND ME
Wikimedia|gifts_and_donations/charity|WIKIMEDIA
Moonpig|gifts_and_donations/gifts|MOONPIG
Funky Pigeon|gifts_and_donations/gifts|FUNKY PIGEON
Interflora|gifts_and_donations/gifts|INTERFLORA
Bloom & Wild|gifts_and_donations/gifts|BLOOM WILD,BLOOMANDWILD
Serenata Flowers|gifts_and_donations/gifts|SERENATA
Thorntons|gifts_and_donations/gifts|THORNTONS
Hotel Chocolat|gifts_and_donations/gifts|HOTEL CHOCOLAT
Pandora|shopping/clothing|PANDORA
Ernest Jones|shopping/clothing|ERNEST JONES
H Samuel|shopping/clothing|H SAMUEL
Toni & Guy|personal_care/hair_and_beauty|TONI GUY,TONI AND GUY
Rush Hair|personal_care/hair_and_beauty|RUSH HAIR
Headmasters|personal_care/hair_and_beauty|HEADMASTERS
Treatwell|personal_care/hair_and_beauty|TREATWELL
Fresha|personal_care/hair_and_beauty|FRESHA
Benefit|personal_care/hair_and_beauty|BENEFIT COSMETICS
Sephora|personal_care/hair_and_beauty|SEPHORA
Space NK|personal_care/hair_and_beauty|SPACE NK
Lookfantastic|personal_care/hair_and_beauty|LOOKFANTASTIC
Feelunique|personal_care/hair_and_beauty|FEELUNIQUE
Headspace|personal_care/wellbeing|HEADSPACE
Calm|personal_care/wellbeing|CALM COM,CALM APP
Bupa Dental|health_and_fitness/dental|BUPA DENTAL
mydentist|health_and_fitness/dental|MYDENTIST,MY DENTIST
NHS|health_and_fitness/medical|NHS,NHS PRESCRIPTION,NHSBSA,NHS BSA
Babylon|health_and_fitness/medical|BABYLON
Superdrug Online Doctor|health_and_fitness/medical|SUPERDRUG ONLINE DOCTOR
Open University|education/tuition|OPEN UNIVERSITY,THE OPEN UNIVERSITY
Udemy|education/courses|UDEMY
Coursera|education/courses|COURSERA
Duolingo|education/courses|DUOLINGO
Skillshare|education/courses|SKILLSHARE
LinkedIn|education/courses|LINKEDIN,LINKEDIN LEARNING
MasterClass|education/courses|MASTERCLASS
Busy Bees|education/childcare|BUSY BEES
Bright Horizons|education/childcare|BRIGHT HORIZONS
Tax-Free Childcare|education/childcare|CHILDCARE SERVICE,TAX FREE CHILDCARE,CHILDCARE CHOICES
Blackwell's|education/books_and_supplies|BLACKWELLS
Chegg|education/books_and_supplies|CHEGG
ParentPay|education/tuition|PARENTPAY,PARENT PAY,SCHOOLMONEY,SCHOOL MONEY
Adobe|bills_and_utilities/subscriptions|ADOBE,ADOBE SYSTEMS
Dropbox|bills_and_utilities/subscriptions|DROPBOX
iCloud|bills_and_utilities/subscriptions|ICLOUD,APPLE ICLOUD
ChatGPT|bills_and_utilities/subscriptions|OPENAI,CHATGPT
Canva|bills_and_utilities/subscriptions|CANVA
Zoom|bills_and_utilities/subscriptions|ZOOM,ZOOM US,ZOOM VIDEO
Nord VPN|bills_and_utilities/subscriptions|NORDVPN,NORD VPN
Norton|bills_and_utilities/subscriptions|NORTON,NORTONLIFELOCK
McAfee|bills_and_utilities/subscriptions|MCAFEE
Tinder|entertainment/hobbies|TINDER
Bumble|entertainment/hobbies|BUMBLE
Hinge|entertainment/hobbies|HINGE
The Times|entertainment/hobbies|THE TIMES,TIMES NEWSPAPERS,NEWS UK
The Guardian|entertainment/hobbies|GUARDIAN,THE GUARDIAN,GUARDIAN NEWS
The Economist|entertainment/hobbies|THE ECONOMIST,ECONOMIST
Financial Times|entertainment/hobbies|FINANCIAL TIMES,FT COM
Monzo|transfers/own_accounts|MONZO,MONZO BANK
Starling|transfers/own_accounts|STARLING,STARLING BANK
Revolut|transfers/own_accounts|REVOLUT,REVOLUT LTD
Wise|transfers/own_accounts|=WISE,TRANSFERWISE
Chase|transfers/own_accounts|CHASE,JPMORGAN CHASE
Savings|savings_and_investments/savings|POT TRANSFER,SAVINGS POT,SAVINGS ACCOUNT,ISA TRANSFER,SAVER,TO SAVINGS,SAVINGS
`;
