/**
 * Words for generated directory entries: the kinds of activity and support social prescribing link
 * workers refer people to, with the needs each helps with (codes of the needs taxonomy), and the
 * organisations, venues and towns they come with. Invented, not copied from any real directory.
 */

export interface Activity {
  /** The name's core, as a service would call itself. */
  names: readonly string[];
  /** The first sentence of a description. */
  blurbs: readonly string[];
  /** Codes from the needs taxonomy (need_code); the first is the main one. */
  needs: readonly string[];
  /** How often (0‥1) services of this kind are free. */
  free: number;
  /** How often they are drop-in. */
  dropIn: number;
  /** Advice and support services run on appointments and weekday hours; groups meet in sessions. */
  kind: 'group' | 'advice' | 'support';
  /** Typical age limits, when it has one. */
  ages?: readonly [number | null, number | null][];
  /** Share of services of this kind that are for women only. */
  womenOnly?: number;
}

export const ACTIVITIES: readonly Activity[] = [
  { names: ['Community gardening', 'Allotment group', 'Growing together', 'Garden volunteers'], blurbs: ['Grow fruit, vegetables and flowers with others in a friendly community garden.', 'Gardening in the fresh air: no experience needed, tools and gloves provided.'], needs: ['nature-and-green-space', 'mental-wellbeing', 'social-isolation'], free: 0.8, dropIn: 0.5, kind: 'group' },
  { names: ['Walking group', 'Health walks', 'Walk and talk', 'Nordic walking'], blurbs: ['Gentle, led walks of about an hour at an easy pace, finishing with a cuppa.', 'A friendly walking group that explores local parks and green spaces.'], needs: ['physical-activity', 'social-isolation', 'nature-and-green-space'], free: 0.9, dropIn: 0.6, kind: 'group' },
  { names: ['Walking football', 'Football for all', 'Inclusive football'], blurbs: ['Football at walking pace, for any fitness level.', 'Friendly football sessions where everyone gets a game.'], needs: ['physical-activity', 'social-isolation'], free: 0.4, dropIn: 0.6, kind: 'group' },
  { names: ['Chair-based exercise', 'Seated exercise', 'Strength and balance'], blurbs: ['Gentle exercise you can do sitting down, to build strength and balance.', 'Classes to improve strength and balance and prevent falls.'], needs: ['physical-activity'], free: 0.5, dropIn: 0.4, kind: 'group', ages: [[50, null], [60, null]] },
  { names: ['Yoga for wellbeing', 'Gentle yoga', 'Tai chi', 'Qigong'], blurbs: ['Slow, gentle movement and breathing to ease stress and improve balance.', 'A relaxed class for beginners that helps both body and mind.'], needs: ['physical-activity', 'mental-wellbeing'], free: 0.3, dropIn: 0.4, kind: 'group' },
  { names: ['Swimming sessions', 'Aqua fit', 'Adult swimming lessons'], blurbs: ['Quiet, relaxed sessions in the pool, with lessons for anyone who would like them.'], needs: ['physical-activity'], free: 0.2, dropIn: 0.5, kind: 'group' },
  { names: ['Cycling club', 'Learn to ride', 'Bike recycling workshop'], blurbs: ['Learn to ride or build your confidence on a bike, with bikes and helmets to borrow.'], needs: ['physical-activity', 'nature-and-green-space'], free: 0.6, dropIn: 0.3, kind: 'group' },
  { names: ['Dance for health', 'Tea dance', 'Dance class'], blurbs: ['Dancing to music from every decade, for all abilities; seated options too.'], needs: ['physical-activity', 'social-isolation', 'arts-and-creativity'], free: 0.3, dropIn: 0.6, kind: 'group' },
  { names: ['Green gym', 'Conservation volunteers', 'Park volunteers'], blurbs: ['Practical conservation work outdoors: planting, path building and looking after wildlife.'], needs: ['nature-and-green-space', 'physical-activity', 'volunteering'], free: 0.95, dropIn: 0.4, kind: 'group' },
  { names: ['Debt advice', 'Money advice', 'Money advice drop-in', 'Debt and budgeting help'], blurbs: ['Free, confidential help with debts, arrears and dealing with bailiffs.', 'Advice with money worries: budgeting, priority debts and talking to creditors.'], needs: ['money-and-debt', 'benefits'], free: 1, dropIn: 0.3, kind: 'advice' },
  { names: ['Energy bill help', 'Warm homes advice', 'Fuel poverty advice'], blurbs: ['Help to cut energy bills, deal with arrears and claim grants to keep your home warm.'], needs: ['fuel-poverty', 'money-and-debt'], free: 1, dropIn: 0.2, kind: 'advice' },
  { names: ['Benefits advice', 'Welfare rights', 'Help with Universal Credit', 'Benefit checks'], blurbs: ['Find out what you are entitled to and get help with claims, forms and appeals.'], needs: ['benefits', 'money-and-debt'], free: 1, dropIn: 0.3, kind: 'advice' },
  { names: ['Cooking on a budget', 'Community cookery', 'Cook and eat'], blurbs: ['Learn to cook simple, healthy meals for less, then sit down and eat together.'], needs: ['food', 'money-and-debt', 'social-isolation'], free: 0.7, dropIn: 0.2, kind: 'group' },
  { names: ['Food bank', 'Community pantry', 'Community fridge', 'Food club'], blurbs: ['Emergency food parcels and a warm welcome, with signposting to further help.', 'Low-cost or free food each week for local members.'], needs: ['food', 'money-and-debt'], free: 0.85, dropIn: 0.6, kind: 'support' },
  { names: ['Community cafe', 'Pay as you feel cafe', 'Lunch club', 'Warm space'], blurbs: ['A hot meal and good company in a warm, friendly space.'], needs: ['food', 'social-isolation'], free: 0.5, dropIn: 0.9, kind: 'group' },
  { names: ['Housing advice', 'Tenancy support', 'Housing options'], blurbs: ['Advice on renting, repairs, rent arrears, eviction and finding somewhere to live.'], needs: ['housing', 'homelessness'], free: 1, dropIn: 0.3, kind: 'advice' },
  { names: ['Homeless drop-in', 'Day centre', 'Outreach support'], blurbs: ['Breakfast, showers, laundry and support for people who are homeless or at risk.'], needs: ['homelessness', 'housing', 'food'], free: 1, dropIn: 0.9, kind: 'support', ages: [[18, null]] },
  { names: ['Job club', 'Employment support', 'CV workshop', 'Back to work'], blurbs: ['Help with job searching, CVs, applications and interview practice.'], needs: ['employment', 'education-and-skills'], free: 1, dropIn: 0.5, kind: 'advice', ages: [[16, null], [18, 64], [16, 24]] },
  { names: ['Volunteering centre', 'Volunteer with us', 'Volunteer befrienders'], blurbs: ['Find a volunteering role that suits you, with training and support along the way.'], needs: ['volunteering', 'employment', 'social-isolation'], free: 1, dropIn: 0.3, kind: 'support' },
  { names: ['English classes (ESOL)', 'Conversation club', 'English for beginners'], blurbs: ['Improve your spoken English in a small, friendly class.'], needs: ['education-and-skills', 'social-isolation'], free: 0.8, dropIn: 0.4, kind: 'group' },
  { names: ['Adult learning', 'Maths and English for adults', 'Community courses'], blurbs: ['Short courses for adults in maths, English and everyday skills.'], needs: ['education-and-skills', 'employment'], free: 0.6, dropIn: 0.1, kind: 'group', ages: [[19, null]] },
  { names: ['Digital drop-in', 'Computer classes', 'Phone and tablet help', 'Get online'], blurbs: ['Help with phones, tablets and computers: email, video calls and staying safe online.'], needs: ['digital-skills', 'social-isolation'], free: 0.9, dropIn: 0.6, kind: 'group' },
  { names: ['Carers support group', "Carers' cafe", 'Young carers group', 'Carers break'], blurbs: ['Support, information and a break for people looking after someone.'], needs: ['carers', 'mental-wellbeing', 'social-isolation'], free: 0.9, dropIn: 0.4, kind: 'support', ages: [[null, null], [8, 17]] },
  { names: ['Recovery group', 'Alcohol support', 'Drug and alcohol service', 'Recovery cafe'], blurbs: ['Peer support for anyone worried about their drinking or drug use.'], needs: ['drug-and-alcohol', 'mental-wellbeing'], free: 1, dropIn: 0.5, kind: 'support', ages: [[18, null]] },
  { names: ['Domestic abuse support', 'Freedom programme', "Women's support"], blurbs: ['Confidential support for anyone affected by domestic abuse, with safety planning.'], needs: ['domestic-abuse', 'mental-wellbeing'], free: 1, dropIn: 0.2, kind: 'support', womenOnly: 0.6 },
  { names: ['Legal advice clinic', 'Immigration advice', 'Free legal advice'], blurbs: ['Free advice from volunteer solicitors on housing, employment, family and immigration law.'], needs: ['legal'], free: 1, dropIn: 0.2, kind: 'advice' },
  { names: ['Bereavement support', 'Bereavement cafe', 'Grief group'], blurbs: ['A safe space to talk with others who have lost someone close.'], needs: ['bereavement', 'mental-wellbeing', 'social-isolation'], free: 0.95, dropIn: 0.4, kind: 'support' },
  { names: ['Art group', 'Arts for wellbeing', 'Painting and drawing', 'Pottery class', 'Craft club'], blurbs: ['Relaxed art sessions for beginners and the experienced, materials provided.'], needs: ['arts-and-creativity', 'mental-wellbeing', 'social-isolation'], free: 0.5, dropIn: 0.5, kind: 'group' },
  { names: ['Community choir', 'Singing for the brain', 'Singing group', 'Ukulele group'], blurbs: ['Sing together for fun: no auditions and no need to read music.'], needs: ['arts-and-creativity', 'social-isolation', 'mental-wellbeing'], free: 0.5, dropIn: 0.6, kind: 'group' },
  { names: ['Creative writing', 'Book club', 'Reading group', 'Poetry group'], blurbs: ['Read, write and share stories with others in a relaxed group.'], needs: ['arts-and-creativity', 'social-isolation'], free: 0.8, dropIn: 0.5, kind: 'group' },
  { names: ['Knit and natter', 'Sewing circle', 'Repair cafe'], blurbs: ['Bring a project or learn something new over tea and biscuits.'], needs: ['social-isolation', 'arts-and-creativity'], free: 0.8, dropIn: 0.9, kind: 'group' },
  { names: ["Men's shed", 'Woodwork group'], blurbs: ['A workshop where men (and anyone else) make, mend and chat side by side.'], needs: ['social-isolation', 'mental-wellbeing'], free: 0.6, dropIn: 0.7, kind: 'group', ages: [[18, null]] },
  { names: ['Befriending', 'Telephone befriending', 'Friendship group', 'Coffee morning'], blurbs: ['Regular friendly contact for people who feel lonely or cut off.'], needs: ['social-isolation', 'mental-wellbeing'], free: 0.95, dropIn: 0.5, kind: 'support', ages: [[null, null], [55, null], [65, null]] },
  { names: ['Mental health peer support', 'Anxiety support group', 'Wellbeing course', 'Mindfulness course', 'Hearing voices group'], blurbs: ['Meet others who understand, share what helps and learn ways to cope.'], needs: ['mental-wellbeing', 'social-isolation'], free: 0.9, dropIn: 0.3, kind: 'support', ages: [[16, null], [18, null], [11, 18]] },
  { names: ['Youth club', 'Young people’s project'], blurbs: ['Activities, trips and someone to talk to for young people.'], needs: ['social-isolation', 'mental-wellbeing', 'physical-activity'], free: 0.8, dropIn: 0.8, kind: 'group', ages: [[11, 19], [13, 25], [8, 13]] },
  { names: ['Fishing club', 'Birdwatching group', 'Nature club'], blurbs: ['Time by the water or out in nature, with equipment to borrow and patient guides.'], needs: ['nature-and-green-space', 'mental-wellbeing', 'social-isolation'], free: 0.5, dropIn: 0.4, kind: 'group' },
];

export const PROVIDER_PATTERNS: readonly ((town: string, place: string, saint: string) => string)[] = [
  (t) => `${t} Mind`,
  (t) => `Age UK ${t}`,
  (t) => `Citizens Advice ${t}`,
  (t) => `${t} Community Trust`,
  (t) => `${t} Council for Voluntary Service`,
  (t) => `${t} Carers Centre`,
  (t, p) => `Friends of ${p} Park`,
  (t, p) => `${p} Community Association`,
  (t, p, s) => `St ${s}'s Church`,
  (t) => `${t} Recovery Partnership`,
  (t) => `${t} Food Network`,
  (t) => `${t} Wildlife Trust`,
  (t) => `Active ${t}`,
  (t) => `${t} Arts Centre`,
  (t, p) => `${p} Neighbourhood Project`,
  (t) => `${t} Women's Aid`,
  (t) => `${t} Housing Association`,
  (t) => `${t} Library Service`,
  (t, p) => `${p} Men's Shed`,
  (t) => `${t} Sports Foundation`,
];

/** For "St Mary's Church". */
export const SAINTS = ['Mary', 'John', 'Peter', 'Andrew', 'Michael', 'Luke', 'Mark', 'James', 'Anne', 'Margaret', 'Chad', 'Aidan'] as const;

/** Neighbourhood-like names, for "Friends of Victoria Park", "Meadow Community Association", "Walking group at Oakwood". */
export const PLACE_NAMES = [
  'Victoria', 'Albert', 'Meadow', 'Riverside', 'Hillside', 'Oakwood', 'Ashfield', 'Brookside', 'Castle', 'Greenbank', 'Highfield',
  'Kingsway', 'Longmoor', 'Millfield', 'Northgate', 'Parkside', 'Queens', 'Rosehill', 'Southfield', 'Springfield', 'Westfield',
  'Woodlands', 'Beacon', 'Elmwood', 'Fairfield', 'Hollybank', 'Moorside', 'Eastbrook', 'Newtown', 'Lowfield', 'Sandhill', 'Ferncliffe',
] as const;

export const VENUES = [
  'the community centre', 'the library', 'St Mark’s church hall', 'the Methodist hall', 'the family hub', 'the leisure centre',
  'the village hall', 'the Quaker meeting house', 'the Salvation Army hall', 'the mosque community room', 'the gurdwara hall',
  'the scout hut', 'the park pavilion', 'the health centre', 'the town hall', 'the football club', 'the miners’ welfare',
] as const;

export const STREETS = [
  'High Street', 'Church Lane', 'Station Road', 'Victoria Road', 'Park Road', 'Mill Lane', 'School Lane', 'The Green', 'Queen Street',
  'King Street', 'London Road', 'Albert Road', 'Market Place', 'North Street', 'West End', 'Chapel Street', 'New Road', 'Bridge Street',
] as const;

export const PRACTICAL = [
  'Just turn up: there is no need to book.',
  'Please call before your first visit so we can welcome you.',
  'A link worker or GP can refer you, or you can contact us yourself.',
  'Bring someone along with you if you like.',
  'Tea, coffee and biscuits are provided.',
  'The venue has step-free access and an accessible toilet.',
  'Free parking nearby and on a bus route.',
] as const;

export const LANGUAGES = [
  ['Polish', 'pl'], ['Urdu', 'ur'], ['Punjabi', 'pa'], ['Bengali', 'bn'], ['Arabic', 'ar'], ['Romanian', 'ro'], ['Gujarati', 'gu'],
  ['Somali', 'so'], ['Portuguese', 'pt'], ['Spanish', 'es'], ['Tigrinya', 'ti'], ['Ukrainian', 'uk'], ['British Sign Language', 'bfi'],
] as const;

export const CONTACT_NAMES = ['Sam', 'Alex', 'Jo', 'Priya', 'Tom', 'Aisha', 'Chris', 'Mandy', 'Dev', 'Kerry', 'Olu', 'Beth', 'Marek', 'Fatima'] as const;
export const CONTACT_TITLES = ['Project worker', 'Volunteer coordinator', 'Group leader', 'Adviser', 'Centre manager', 'Support worker'] as const;

/**
 * Post towns of England's postcode areas. Areas not here (Scotland, Wales) are left out; so are
 * the Welsh districts of two border areas (see isEnglishDistrict).
 */
export const ENGLISH_AREAS: Readonly<Record<string, string>> = {
  AL: 'St Albans', B: 'Birmingham', BA: 'Bath', BB: 'Blackburn', BD: 'Bradford', BH: 'Bournemouth', BL: 'Bolton', BN: 'Brighton',
  BR: 'Bromley', BS: 'Bristol', CA: 'Carlisle', CB: 'Cambridge', CH: 'Chester', CM: 'Chelmsford', CO: 'Colchester', CR: 'Croydon',
  CT: 'Canterbury', CV: 'Coventry', CW: 'Crewe', DA: 'Dartford', DE: 'Derby', DH: 'Durham', DL: 'Darlington', DN: 'Doncaster',
  DT: 'Dorchester', DY: 'Dudley', E: 'London', EC: 'London', EN: 'Enfield', EX: 'Exeter', FY: 'Blackpool', GL: 'Gloucester',
  GU: 'Guildford', HA: 'Harrow', HD: 'Huddersfield', HG: 'Harrogate', HP: 'Hemel Hempstead', HR: 'Hereford', HU: 'Hull',
  HX: 'Halifax', IG: 'Ilford', IP: 'Ipswich', KT: 'Kingston upon Thames', L: 'Liverpool', LA: 'Lancaster', LE: 'Leicester',
  LN: 'Lincoln', LS: 'Leeds', LU: 'Luton', M: 'Manchester', ME: 'Rochester', MK: 'Milton Keynes', N: 'London', NE: 'Newcastle upon Tyne',
  NG: 'Nottingham', NN: 'Northampton', NR: 'Norwich', NW: 'London', OL: 'Oldham', OX: 'Oxford', PE: 'Peterborough', PL: 'Plymouth',
  PO: 'Portsmouth', PR: 'Preston', RG: 'Reading', RH: 'Redhill', RM: 'Romford', S: 'Sheffield', SE: 'London', SG: 'Stevenage',
  SK: 'Stockport', SL: 'Slough', SM: 'Sutton', SN: 'Swindon', SO: 'Southampton', SP: 'Salisbury', SR: 'Sunderland', SS: 'Southend-on-Sea',
  ST: 'Stoke-on-Trent', SW: 'London', SY: 'Shrewsbury', TA: 'Taunton', TF: 'Telford', TN: 'Tonbridge', TQ: 'Torquay', TR: 'Truro',
  TS: 'Middlesbrough', TW: 'Twickenham', UB: 'Southall', W: 'London', WA: 'Warrington', WC: 'London', WD: 'Watford', WF: 'Wakefield',
  WN: 'Wigan', WR: 'Worcester', WS: 'Walsall', WV: 'Wolverhampton', YO: 'York',
};

/** England only: an English area, less the Welsh districts of CH (CH5–CH8) and SY (SY15–SY25). */
export function isEnglishDistrict(district: string): boolean {
  const match = /^([A-Z]{1,2})(\d+)/.exec(district);
  if (!match) return false;
  const [, area, digits] = match as unknown as [string, string, string];
  if (!(area in ENGLISH_AREAS)) return false;
  const n = Number(digits);
  if (area === 'CH' && n >= 5 && n <= 8) return false;
  if (area === 'SY' && n >= 15 && n <= 25) return false;
  return true;
}
