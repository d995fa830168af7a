"""Sample store data and the kiosk's evaluation sets (catalog, FAQ, questions with the facts each answer needs)."""

# name -> (catalog, faq, questions). "blind7"/"blind8" were written by someone who never saw the
# kiosk code and were scored before any change; the others were used while building it.
# "blind11".."blind13" (pet shop, stationer, bakery-cafe) were also written blind and scored first-run
# at 67.5%, 85% and 72.5% before any change; their failures then drove the matching fixes.
# "blind14".."blind16" (hardware store, petrol-station shop, airport kiosk) were also written blind and scored first-run
# at 82.5%, 85% and 87.5% after those fixes (round 1), before the second round of fixes they then drove.
# "blind17".."blind19" (toy shop, sports/outdoor shop, cinema snack counter) were also written blind and scored first-run
# after round 2 at 40%, 75% and 85% (92.5% for blind17 once 'age-4+' tags were accepted), before the third round of fixes.
# "blind20".."blind22" (phone accessories shop, vending machine with slots, farm shop) were also written blind and scored
# first-run after round 3 at 90%, 82.5% and 90%, before the fourth round of fixes they then drove.
# "blind23".."blind25" (bookshop-cafe, beauty shop, craft/hobby shop) were written blind and scored first-run after
# round 4 at 92.5%, 90% and 90%; only the "where's" echo fix came after, then round 5 used them.
# "blind26".."blind28" (pharmacy, garden centre, electronics shop) were written blind and scored first-run after round 4
# (at the start of round 5) at 95%, 90% and 87.5%, before the fifth round of fixes they then drove.
# "blind29".."blind31" (corner shop, pet shop with grooming, camping shop) were written blind and scored first-run after
# round 5 at 92.5%, 87.5% (one price counted as invented: the counter split "Dr. Elsey's" at "Dr.") and 95%, before round 6.
# "blind32".."blind34" (bike shop with workshop, health food shop, gift and card shop) were written blind and sealed,
# then scored first-run after round 6 and the second lexicon pass at 90%, 92.5% and 95% (0 invented), before round 7.
# "blind35".."blind37" (off-licence, stationery and office shop, paint and decorating shop) were written blind and sealed,
# then scored first-run after round 7 at 97.5%, 90% and 90% (0 invented), before round 8.
# "blind38".."blind40" (butcher and deli, musical instrument shop, baby and nursery shop) were written blind, then scored
# first-run after the first part of round 8 at 90%, 67.5% and 87.5% (0 invented), before the rest of round 8.
# "blind41".."blind43" (fishing tackle shop, kitchenware/cookshop, office-lobby micro-market) were written blind and sealed,
# then scored first-run after round 8 at 90%, 77.5% and 95% (0 invented), before round 8d.
# "blind44", "blind45" (surf and skate shop, Asian grocery) were written blind and sealed, then scored first-run after round 8d
# at 85% and 97.5% (0 invented); "blind46" (hospital lobby shop), written blind and sealed, first-run after round 8e at 90%.
# "blind47".."blind49" (auto parts store, tea and coffee shop, party supplies shop) were written blind and sealed, then scored
# first-run after round 8f at 85%, 95% and 95% (0 invented).
# "blind50".."blind52" (home brewing supplies, motorcycle gear shop, science museum gift shop) were written blind and sealed,
# then scored first-run after round 8g at 85%, 90% and 87.5% (0 invented).
# "blind53".."blind58" (family shoe shop, barbecue shop, zero-waste refill shop, aquarium shop, sewing and fabric shop, ski and
# snowboard shop) were written blind and sealed, then scored first-run after round 8h and lexicon pass 3 at 85%, 77.5%, 92.5%,
# 82.5%, 92.5% and 90% (one price counted as invented in blind55: the counter cut "Food Wraps (S, M, L)" at its commas).
# "blind59".."blind64" (climbing shop, camera shop, art supplies shop, martial arts shop, beekeeping shop, school uniform shop)
# were written blind and sealed, then scored first-run after round 9a and lexicon pass 4 at 92.5%, 80%, 85%, 87.5%, 90% and
# 92.5% (0 invented).
# "blind65".."blind70" (marine chandlery, costume shop, record and hi-fi shop, vet clinic shop, caravan accessories shop, Indian
# grocery) were written blind and sealed, then scored first-run after round 9b at 87.5%, 90%, 90%, 90%, 85% and 92.5% (one place
# counted as invented in blind68: the counter read "Cat Food 3 oz (24-pack) (Shelf 2)" wrongly; the place was right).
# "blind71".."blind76" (barber supply shop, Mexican grocery, e-bike shop, farm supply store, computer accessories shop, soap and
# candle making supplies) were written blind and sealed, then scored first-run after round 9c at 90%, 87.5%, 92.5%, 82.5%, 92.5%
# and 95% (0 invented).
# "blind77".."blind82" (paint and plumbing counter, board game cafe, gym front desk, outdoor clothing shop, station travel shop,
# kitchen appliance shop) were written blind and sealed, then scored first-run after round 9d at 97.5%, 95%, 87.5%, 92.5%,
# 92.5% and 87.5% (one price counted as invented in blind78: the counter cut "Sushi Go Party! Card Game" at its "!").
# "blind83".."blind88" (pottery supplies, cheese and charcuterie shop, car wash shop, hydroponics shop, luggage shop, campus
# convenience store) were written blind and sealed, then scored first-run after round 9e at 92.5%, 95%, 87.5%, 92.5%, 92.5% and
# 95% (0 invented).
# "blind89".."blind94" (golf pro shop, yarn and knitting shop, video game store, equestrian tack shop, florist and plant shop,
# Japanese grocery) were written blind and sealed, then scored first-run after round 9e and its review pass at 92.5%, 92.5%,
# 95%, 97.5%, 90% and 97.5% (0 invented).
# "blind95".."blind100" (scuba dive shop, hunting and archery shop, dollar store, bedding and mattress store, comic and trading
# card shop, vitamin and supplement shop) were written blind and sealed, then scored first-run after round 10a at 92.5%, 90%,
# 92.5%, 95%, 100% and 92.5% (one price counted as invented in blind95: the counter read "$1599.99" after a comma as no
# product's; it was the named product's own price, and the counter now gives a bare fact to the product named before it).
# "blind101".."blind106" (optician and eyewear shop, lighting store, Polish delicatessen, tennis and racquet shop, model railway
# and RC hobby shop, hot sauce and spice shop) were written blind and sealed, then scored first-run after round 10b at 92.5%,
# 92.5%, 92.5%, 92.5%, 87.5% and 90% (0 invented).
# "blind107".."blind112" (pool and spa supply store, Korean beauty shop, dance and ballet shop, home decor store, Middle Eastern
# grocery, DJ and pro audio shop) were written blind and sealed, then scored first-run after round 10c at 95%, 97.5%, 95%, 95%,
# 97.5% and 90% (0 invented).
# "blind113".."blind118" (wine and spirits shop, toy and game store, fishing and bait shop, cycling clothing and parts shop,
# natural cosmetics and soap shop, garden tools and seed shop) were written blind and sealed, then scored first-run after
# round 10d at 95%, 90%, 92.5%, 95%, 95% and 92.5% (0 invented).
# "blind119".."blind124" (bridal and formal wear shop, electrical supplies counter, cake decorating supplies shop, stadium
# merchandise and snack stand, aquarium and reptile shop, university bookstore) were written blind and sealed, then scored
# first-run after round 10e and lexicon pass 5 at 85%, 90%, 92.5%, 100%, 90% and 92.5% (three prices counted as invented in
# blind121: names ending "in." were cut there as sentences, by the answer stream and the counter; each price was the named
# product's own; both now keep such a name whole).
# "blind125".."blind130" (sewing machine and quilting shop, motorcycle parts counter, bulk foods and nut shop, skate and BMX
# shop, kitchen and bath showroom counter, airport duty-free shop) were written blind and sealed, then scored first-run after
# round 10f at 95%, 90%, 100%, 97.5%, 92.5% and 100% (0 invented).
# "blind131".."blind136" (hobby paint and miniatures shop, organic farm shop, baby formula and diaper aisle, key and lock
# counter, surf and swim shop, olive oil and vinegar shop) were written blind and sealed, then scored first-run at the final
# code of round 10 (70ee260) at 92.5%, 100%, 97.5%, 97.5%, 97.5% and 95% (one answer counted as invented in blind133: the
# counter cut "WaterWipes ... 9 Packs, 540 ct ($29.49, Aisle 9)" at the comma inside the name; both facts were right, and the
# counter now keeps such names whole).
# "blind137".."blind142" (running shoe and gear store, Italian grocery and deli, hospital gift shop, kitchen knife and
# cutlery shop, craft beer bottle shop, Chinese supermarket) were written blind and sealed, then scored first-run at
# f24e725 at 90%, 95%, 87.5%, 95%, 90% and 87.5% as written (one answer counted as invented in blind140: an FAQ answer
# quoted whole, "$8 per knife ($12 for serrated ...)", whose aside the counter read as a product's facts; the counter now
# leaves FAQ answers quoted whole alone). Their writers' brief newly asked for label questions answered "no", with
# the must string left to the writer ("not", "n't", "not vegan"): eight answers such as "No, X is not labelled vegan"
# failed only on that wording. Those questions ship graded on substance instead (must: the label, if given; must not:
# "Yes,"), under which the first run scored 95%, 97.5%, 90%, 97.5%, 92.5% and 92.5%.
# "blind143".."blind148" (spice shop, tabletop roleplaying and dice shop, car audio and dashcam shop, Caribbean and West
# African grocery, hair and wig beauty supply, children's clothing store) were written blind under the same brief and
# sealed; their "no"-label questions were regraded on substance (as above) before the first run, which scored after round
# 11a (9fb3171) at 97.5%, 95%, 90%, 85%, 100% and 100% (92.5%, 90%, 87.5%, 80%, 100% and 97.5% as written). One answer was
# counted as invented in blind143: the model's "Jacobsen Salt Co. Pure Flake Sea Salt ... costs $12.00." was cut after the
# brand's "Co." by the counter; the price was right, and a brand's full stop inside a longer name said whole no longer
# ends a sentence (stream, checker and counter).
# "blind149".."blind154" (juice and smoothie bar, vegan grocery, phone repair counter, nail and lash supply store, Christmas
# decorations pop-up, PC components store) were written blind under a brief that now gives "no"-label questions the label
# as must and "Yes," as must-not, sealed, and scored first-run after round 11b (e82f749) at 87.5%, 92.5%, 92.5%, 92.5%,
# 85% and 82.5% (0 invented).
# "blind155".."blind160" (beach rental and convenience kiosk, sushi and bento counter, ukulele and folk instrument shop,
# kombucha and fermentation supply shop, perfume counter, pond and koi shop) were written blind and sealed, then scored
# first-run after round 11c (26d30d4) at 90%, 87.5%, 95%, 92.5%, 92.5% and 92.5% (0 invented).
# "blind161".."blind166" (bakery supply and cake box counter, outdoor power equipment dealer, Japanese stationery and pen
# shop, horse riding and farrier supply counter, medical scrubs and nursing supply shop, Indian sweets and snacks shop) were
# written blind and sealed, then scored first-run after round 11d (f231c69) at 87.5%, 90%, 97.5%, 80%, 92.5% and 90%
# (0 invented).
# "blind167".."blind172" (camera film and darkroom shop, bridal and balloon shop, RV parts counter, Korean barbecue grocery
# and butcher, school and art supply store, climbing gym gear shop) were written blind and sealed, then scored first-run at
# the final code of round 11 (1568c06) at 92.5%, 90%, 92.5%, 95%, 90% and 95% (0 invented); shipped without changes made
# for them (their misses: everyday names such as "stinky slinky", "throwaway cameras"; "bd" for Black Diamond; "veggie"
# read as the vegetarian label in a price question).
# "blind173".."blind178" (mobility aids and home medical supply shop, magic and joke shop, chocolate and sweet shop, pilot
# supply shop, Greek and Mediterranean grocery, school and teacher supply store) were written blind and sealed, then scored
# first-run, with the model warmed up (a third of the answers phrased by it), at c564840 (the final code of stop 14) at 95%,
# 95%, 92.5%, 90%, 92.5% and 95% (avg 93.3%, 0 invented). Their misses: everyday names ("chux pads", "dog doo prank",
# "chinese yoyo", "barf bags", "turkish delight", "fish roe dip", "mini whiteboards"), service prices asked as things
# ("how much to laminate one page", "put a grab bar in"), "ferero roshe", "icom a25 radio", a kosher label read as stock.
# "blind179".."blind184" (Ethiopian and East African grocery, woodworking tools and lumber shop, drone and FPV hobby shop,
# reptile and exotic pet shop, kayak and canoe outfitter, farmers' market honey and preserves stall) were written blind and
# sealed, then scored first-run with the model warmed up at 284dbea (the closest-product-by-meaning fallback) at 95%,
# 97.5%, 90%, 95%, 97.5% and 100% (avg 95.8%, 0 invented). Their misses: services asked with a price ("how much 2 roast
# my coffee beans", "drive us upriver w our boats"), "food stamps" for EBT, "gopro 12 black" for HERO12, "push sticks",
# "helipad mat", "soldering pen", "feeding tweezers", an "exo terra tank" given an under-tank heater as closest match.
# "blind185".."blind190" (hearing aid and audiology accessories shop, Vietnamese grocery and banh mi counter, urban dog
# bakery and boutique, home espresso and coffee gear shop, garden and irrigation counter, natural history museum gift shop)
# were written blind and sealed, then scored first-run with the model warmed up after round 12a (288d628) at 97.5%, 90%,
# 100%, 97.5%, 90% and 97.5% (avg 95.4%, 0 invented). Their misses: "dont get lost" read as abuse, "rn" (right now) as a
# product word, "gummi dinosaurs" not found, everyday names ("spring roll wrappers", "pickled radish", "puck bin", "purple
# glue for pvc pipe", "bag of bark", "the thing that stops sprinklers when it rains"), a service asked with a price.
# "blind191".."blind196" (college bookstore and campus merch, Mexican panaderia and tienda, team uniform and trophy shop,
# plus-size clothing boutique, British and Irish import food shop, seasonal fireworks stand) were written blind and sealed,
# then scored first-run with the model warmed up after round 12b (ac46c72) at 95%, 95%, 87.5%, 97.5%, 95% and 87.5%
# (avg 92.9%, 0 invented). Their misses include three wrong "yes" answers from everyday-name rows read too loosely:
# "do u sell laptops" (notebooks), "soccer balls" (a Fantasy Football belt), "beer like modelo or corona" (Cajeta Coronado).
# "blind197".."blind202" (Scandinavian design and homeware shop, airport duty-free shop, quilting and embroidery thread
# shop, Filipino grocery and bakery, hospital outpatient pharmacy counter, rock, mineral and fossil shop) were written blind
# and sealed, then scored first-run with the model warmed up after round 12c (c992608) at 97.5%, 95%, 95%, 95%, 100% and
# 92.5% (avg 95.8%, 0 invented). Their misses: services asked with a price (gift wrap, shipping a box home, cracking a
# geode), "ph5 lamp" answered with the pendant-install FAQ, everyday names ("plug converter", "pizza cutter thing for
# fabric", "disappearing ink pens", "canned milk", "magnifying glass", "rock identification book").
# "blind203".."blind208" (scrapbooking and stamping shop, Turkish grocery and bakery, sailing and paddleboard rental shack,
# watch and jewelry repair counter, Amish country general store, wild bird feed shop) were written blind and sealed, then
# scored first-run with the model warmed up at a0ecc9f (the kiosk code of round 12c) at 97.5%, 92.5%, 90%, 87.5%, 95% and
# 95% (avg 93.1%, 0 invented); shipped without changes made for them. Their misses: services asked with a price (watch
# battery fitted, ring resized, a board brought to the beach, a gift basket), things described instead of named ("the
# little backs that hold earrings on", "the machine that cleans jewelry with sound waves"), "can i rent a jet ski" answered
# with the renters' rules, "sunglass straps" given tie-down straps as closest match, "soda pop", "boat rope", "pop dots".
# "blind209".."blind214" (bowling pro shop, ice hockey equipment shop, Halloween costume and decoration pop-up, Thai and
# Lao grocery, workwear and safety boots shop, tile and flooring store counter) were written blind and sealed, then scored
# first-run with the model warmed up at 97c9898 (the final code of stop 15) at 92.5%, 92.5%, 90%, 95%, 95% and 92.5%
# (avg 92.9%, 0 invented). Six of their 17 misses were store questions in the shopper's own words that no FAQ row's words
# matched ("i bowl in a league do i get anything off", "do u heat mold skates? how much", "wat time u close on halloween",
# "can u bring the tile 2 my house? cost?"); the rest everyday names ("fake cobwebs", "paper suits for painting", "the
# things u put over ur shoes so they dont get wet"), "soccer cleats" answered with shin pad tape, "aireat work hog boots".
# "blind215".."blind220" (vintage and thrift clothing store, park bicycle rental and repair kiosk, Russian and Eastern
# European grocery, aquatic plant and shrimp shop, first aid and safety supply store, school band instrument rental and
# sheet music shop) were written blind and sealed, then scored first-run with the model warmed up after round 13 (485c3e0)
# at 92.5%, 92.5%, 87.5%, 90%, 97.5% and 82.5% (avg 90.4%, 0 invented). Their misses: things described instead of named
# ("the ding ding thing 4 the handlebars", "the ticking thing that keeps the beat", "the cloth on a string 4 drying out a
# clarinet"), short names a letter off ("kvas", "kefeer"), "29er tubes", "kids bandaids", "aloha shirt", "black bread",
# store questions in the shopper's words ("can i sell u my old jackets", "my shrimp died next day can i get my money
# back"), and one label question ("is the arban trumpet book ok 4 a beginner") answered "Sorry, I can't answer that
# reliably" because its template failed the check.
# "blind221".."blind226" (baseball and softball shop, fly fishing shop, Brazilian and Portuguese grocery, hat and cap
# shop, aviation museum gift shop, disc golf shop) were written blind and sealed, then scored first-run with the model
# warmed up after round 14 (8a14088) at 92.5%, 95%, 92.5%, 92.5%, 97.5% and 92.5% (avg 93.75%, 0 invented). Their misses:
# store questions in the shopper's words ("do i have 2 pay admission just to go in the shop", "how much 2 get a disc dyed",
# "can u put my initials on a cap"), "do u sell golf clubs" answered yes with disc golf discs, "where r softballs" given
# every softball product, products asked as a use that an FAQ service row also names ("the brush 4 cleaning a felt hat",
# "the glue for fixing wader leaks"), everyday names ("salt fish", "green wine", "frozen yuca", "eye black").
# "blind227".."blind232" (organic baby food and nursery shop, wakeboard and water ski shop, Lebanese bakery and grocery,
# party rental and tableware shop, comic convention merch booth, locksmith and safe store) were written blind and sealed,
# then scored first-run with the model warmed up at e745f8a (the final code of stop 16) at 95%, 100%, 92.5%, 87.5%, 90%
# and 90% (avg 92.5%, 0 invented); shipped without changes made for them. Their misses: store questions in the shopper's
# words ("what if i bring the chairs back a day late", "what happens if we break a wine glass", "can ur guys put up the
# tent 4 us", "locked out of my house how much 4 u to come out"), "do u have bandaids" answered yes with an anime figure,
# "got any baby mum mums" answered with the registry row, "how much 2 rent an ice chest" with the delivery row, everyday
# names ("salty yogurt drink", "baby yoda pop", "spinach pies"), "hp printer ink cartridges?" read as off-topic.
# "blind233".."blind238" (yoga and pilates studio boutique, Peruvian and Andean grocery, ham radio and electronics kit shop,
# ice cream parlour and candy counter, trampoline park front desk shop, religious goods and church supply store) were written
# blind and sealed, then scored first-run with the model warmed up at 0da7d27 at 97.5%, 97.5%, 92.5%, 90%, 95% and 100%
# (avg 95.4%, 0 invented). Their misses: store questions in the shopper's words ("do u do 1 on 1 pilates lessons how much",
# "when can i take my ham test here", "how much does a bday party cost here", "is there like a time just for little kids",
# "how much is an ice cream cake"), "do u sell party balloons" answered with the sundae bar row, "where can i get fishing
# line" answered with desoldering braid, "is the kester 44 solder lead free" answered "contains lead" without the label's
# name, things described ("little black dehydrated potatos 4 soup", "stretchy chewy candy in wax paper", "the chocolate
# nuts u sell by weight").
# "blind239".."blind244" (pickleball and paddle sports shop, German deli and bakery, body piercing and tattoo aftercare
# counter, marina fuel dock convenience store, maternity and nursing wear shop, 3D printing and maker supplies shop) were
# written blind and sealed, then scored first-run with the model warmed up at 5594f61 (round 15) at 97.5%, 90%, 97.5%, 95%,
# 95% and 100% (avg 95.8%, 0 invented). Their misses: German names misspelt or in English ("shwarzwalder kirsh torte",
# "a slice of bee sting cake"), "elderberry soda", "tegaderm patches", "dramameen", "emergency flares", things described
# ("reusable boob pads u can wash", "pjs i can breastfeed in", "safety goggles 4 pickleball") and "can i get a birthday cake
# made how much notice do u need".
# "blind245".."blind250" (roller skating and roller derby shop, Nepali and Himalayan grocery, violin and string instrument
# shop, mushroom growing and foraging supply shop, campground camp store, laundromat supply and vending counter) were written
# blind and sealed, then scored first-run with the model warmed up at fde3baf at 97.5%, 97.5%, 95%, 95%, 85% and 92.5% (avg
# 93.75%, 0 invented). Their misses: a product asked by a use an FAQ service row names ("the thing u use 2 clean ur
# bearings"), things described ("little packets u put in the case 2 keep the humidity right", "wall hook 4 hanging up a
# violin", "sticks 4 roasting marshmallows", "stuff 4 cuts n scrapes", "little green propane bottles 4 my stove"),
# "tinfoil", "gundrook", "soy been hulz", "do u sell tents" answered yes with tent stakes, "a bottle of water" given a
# fragrance booster named "Spring Waters", and store questions in the shopper's words ("my grow kit never grew anything
# can i get a new one", "how much 4 shower coins", "do u guys pick up laundry from my apt", "machine took my quarters").
# "blind251".."blind256" (Ukrainian bakery and deli, figure skating and ice rink pro shop, beach volleyball and lifeguard
# supply shop, aquarium public gift shop, cheerleading and dance team uniform shop, car dealership parts and accessories
# counter) were written blind and sealed, then scored first-run with the model warmed up at 42b6434 (round 16) at 90%, 100%,
# 90%, 95%, 97.5% and 92.5% (avg 94.2%, 0 invented). Their misses: "how much 2 take the lifeguard class" answered "Sorry, I
# can't answer that reliably" (its FAQ row's answer failed the check), store questions in the shopper's words ("do u guys
# bring groceries to my house how much", "can u do food for a party like 10 ppl", "can u save something for me til tmrw",
# "do u guys put the battery in 4 me how much"), "u have any sushi" answered with a poppy seed roll, "the smoked fish",
# misspellings ("daffin finz", "aloe vara jel"), things described ("the lines u put in the sand for the court", "the
# shopping bag with seaweed on it", "puffy slipper things dancers wear 2 stay warm", "things that stop ppl stealing my
# rims", "the thing that blocks the sun on the windshield").
# "blind257".."blind262" (skateboard deck and longboard shop, Hawaiian and Pacific Islander grocery, orchid and
# carnivorous plant nursery, harp and piano sheet music store, model rocketry and astronomy shop, truck stop travel center
# store) were written blind and sealed, then scored first-run with the model warmed up at dbd12d2 at 92.5%, 97.5%, 100%,
# 97.5%, 97.5% and 92.5% (avg 96.25%, 0 invented). Their misses: "where r the powell peralta boards" and "how much is the
# little plastic board" answered with the board assembly row, "penny boards", "any sugar free red bull" answered yes
# without its stock, "is the beethoven sonatas vol 1 ok 4 a beginner" (labelled advanced), store questions in the shopper's
# words ("can u mail snacks 2 my cousin in california", "can u guys line up the mirrors in my telescope how much", "whats
# it cost 2 weigh my rig"), "the stuff u put in the diesel exhaust tank".
# "blind263".."blind268" (hotel lobby gift and sundries shop, Persian grocery and bakery, bouldering gym front desk shop,
# vintage video game and retro console shop, horse racing track souvenir and snack stand, beauty school student supply
# store) were written blind and sealed, then scored first-run with the model warmed up at 2d38618 at 95%, 97.5%, 97.5%,
# 92.5%, 97.5% and 97.5% (avg 96.25%, 0 invented). Their misses: "what time do u close tonite" answered with an umbrella
# (the lexicon's "tonite"?), store questions in the shopper's words ("can u mail my souvenirs home", "how far ahead do i
# need 2 order a pastry tray 4 a party", "can u guys put a new save battery in my pokemon game how much", "is there like a
# street fighter tourney or somethin", "do u guys drop stuff off at my school"), "do u sell ps5" answered yes with a
# PlayStation 1, "beestmaker hang bord", "need some h2o where is it".
# "blind269".."blind274" (curling club pro shop, Cuban bakery and cafe counter, electric guitar pedal and amp shop, baby
# swim and swimwear shop, church bookstore and cafe, motorsport racetrack merchandise stand) were written blind and sealed,
# then scored first-run with the model warmed up at 13bfa1c at 100%, 95%, 100%, 97.5%, 97.5% and 90% (avg 96.7%, 0
# invented). Their misses: "how much r the tortikas de moron" read as abuse ("moron" is the town), "how much is a cafecito"
# answered with the Cafecito Club row, "do u sell car seats" and "u guys got beer" answered yes with a float and with
# sunglasses, "do u guys bring stuff to ur house" (delivery), "how much 4 the scanner radio not the headset", "the big 1/24
# diecast car", "the stuff so i dont get sunburned".
# "blind275".."blind280" (Sri Lankan and South Indian grocery, snowmobile and ATV parts counter, tea ceremony and Japanese
# ceramics shop, zoo gift shop, kids' science and STEM toy store, wedding cake and dessert bakery counter) were written blind
# and sealed, then scored first-run with the model warmed up at e6cd79e (code of 13bfa1c, the last change of stop 17) at
# 97.5%, 95%, 97.5%, 97.5%, 95% and 95% (avg 96.25%, 0 invented). Their misses: "is the yokan vegan" answered "Sorry, I
# can't answer that reliably" (the checker read the "no" in "Yoru no Ume Yokan" as a denial; fixed after), "do u sell arrack
# or beer" answered yes with ginger beer, "how much do u guys charge 2 put a belt on my sled" (the install row), "spikes 4 my
# sled track", "popsicles", "butterfly grow kit", "the little car kit that runs on sunlight", "caek popz", "the flower made
# out of icing".
SETS = {name: (f"{name}_catalog.csv", f"{name}_faq.csv", f"{name}_questions.jsonl")
        for name in ("sample", "heldout", "fresh", "blind", "blind2", "blind3", "blind4", "blind5", "blind6", "blind7", "blind8", "blind9", "blind10",
                     "blind11", "blind12", "blind13", "blind14", "blind15", "blind16",
                     "blind17", "blind18", "blind19", "blind20", "blind21", "blind22",
                     "blind23", "blind24", "blind25", "blind26", "blind27", "blind28",
                     "blind29", "blind30", "blind31", "blind32", "blind33", "blind34",
                     "blind35", "blind36", "blind37", "blind38", "blind39", "blind40",
                     "blind41", "blind42", "blind43", "blind44", "blind45", "blind46",
                     "blind47", "blind48", "blind49", "blind50", "blind51", "blind52",
                     "blind53", "blind54", "blind55", "blind56", "blind57", "blind58",
                     "blind59", "blind60", "blind61", "blind62", "blind63", "blind64",
                     "blind65", "blind66", "blind67", "blind68", "blind69", "blind70",
                     "blind71", "blind72", "blind73", "blind74", "blind75", "blind76",
                     "blind77", "blind78", "blind79", "blind80", "blind81", "blind82",
                     "blind83", "blind84", "blind85", "blind86", "blind87", "blind88",
                     "blind89", "blind90", "blind91", "blind92", "blind93", "blind94",
                     "blind95", "blind96", "blind97", "blind98", "blind99", "blind100",
                     "blind101", "blind102", "blind103", "blind104", "blind105", "blind106",
                     "blind107", "blind108", "blind109", "blind110", "blind111", "blind112",
                     "blind113", "blind114", "blind115", "blind116", "blind117", "blind118",
                     "blind119", "blind120", "blind121", "blind122", "blind123", "blind124",
                     "blind125", "blind126", "blind127", "blind128", "blind129", "blind130",
                     "blind131", "blind132", "blind133", "blind134", "blind135", "blind136",
                     "blind137", "blind138", "blind139", "blind140", "blind141", "blind142",
                     "blind143", "blind144", "blind145", "blind146", "blind147", "blind148",
                     "blind149", "blind150", "blind151", "blind152", "blind153", "blind154",
                     "blind155", "blind156", "blind157", "blind158", "blind159", "blind160",
                     "blind161", "blind162", "blind163", "blind164", "blind165", "blind166",
                     "blind167", "blind168", "blind169", "blind170", "blind171", "blind172",
                     "blind173", "blind174", "blind175", "blind176", "blind177", "blind178",
                     "blind179", "blind180", "blind181", "blind182", "blind183", "blind184",
                     "blind185", "blind186", "blind187", "blind188", "blind189", "blind190",
                     "blind191", "blind192", "blind193", "blind194", "blind195", "blind196",
                     "blind197", "blind198", "blind199", "blind200", "blind201", "blind202",
                     "blind203", "blind204", "blind205", "blind206", "blind207", "blind208",
                     "blind209", "blind210", "blind211", "blind212", "blind213", "blind214",
                     "blind215", "blind216", "blind217", "blind218", "blind219", "blind220",
                     "blind221", "blind222", "blind223", "blind224", "blind225", "blind226",
                     "blind227", "blind228", "blind229", "blind230", "blind231", "blind232",
                     "blind233", "blind234", "blind235", "blind236", "blind237", "blind238",
                     "blind239", "blind240", "blind241", "blind242", "blind243", "blind244",
                     "blind245", "blind246", "blind247", "blind248", "blind249", "blind250",
                     "blind251", "blind252", "blind253", "blind254", "blind255", "blind256",
                     "blind257", "blind258", "blind259", "blind260", "blind261", "blind262",
                     "blind263", "blind264", "blind265", "blind266", "blind267", "blind268",
                     "blind269", "blind270", "blind271", "blind272", "blind273", "blind274",
                     "blind275", "blind276", "blind277", "blind278", "blind279", "blind280")}
