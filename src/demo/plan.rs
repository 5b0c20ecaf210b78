//! The demo's year as a plan: pure, and the same for the same seed and sizes.
//!
//! Everything random is drawn here, from ChaCha8 streams seeded with `--seed` (`rand_chacha`:
//! its output is fixed by the algorithm, not by the crate's version): which communes take part
//! and how diligent their offices are, the accounts and their passwords, and for every petition
//! what is filed where and when, and everything that happens to it afterwards, each step with
//! its instant. Deadlines are computed with the same calendar and rule book the service uses
//! ([`crate::domain::clock`]), so the plan knows which answers are on time and plans
//! extensions only where the rules allow one. Writing the plan is [`super::apply`]'s job.
//!
//! Each petition's life is drawn from its own stream, so that changing one petition's story
//! leaves the others' alone.

use crate::domain::workflow::RejectReason;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::texts;
use crate::domain::clock::{
    self, Calendar, ClockName, Complexity, DayType, end_of_day, local_date,
};
use crate::domain::petition::{Channel, Citizen, Kind, Location};
use crate::domain::rules::{Case, Rule, RuleBook, Starts};
use crate::domain::staff::Role;
use crate::domain::stats::{answer_clock, first_step_clock};
use crate::domain::workflow::Status;

/// A province as the plan is offered it: every commune it has (code, name).
#[derive(Debug, Clone)]
pub struct ProvinceInput {
    pub code: String,
    pub name: String,
    pub communes: Vec<(String, String)>,
}

/// What the plan is drawn in.
pub struct World<'a, C> {
    pub calendar: &'a C,
    pub rules: &'a RuleBook,
    pub provinces: Vec<ProvinceInput>,
    /// The category codes petitions may be filed under.
    pub categories: Vec<String>,
}

/// How much to plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub seed: u64,
    pub petitions: usize,
    /// Communes taking part per province, at most.
    pub communes: usize,
    /// The first and last day (in Vietnam) of the period.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("no province to seed")]
    NoProvince,
    #[error("province {0} has no commune")]
    NoCommune(String),
    #[error("no category to file petitions under")]
    NoCategory,
    #[error("the period must end on or after its first day")]
    EmptyPeriod,
}

/// Which office: a commune's People's Committee, or a province's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Desk {
    /// Index into [`Plan::communes`].
    Commune(usize),
    /// Index into [`Plan::provinces`].
    Province(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedProvince {
    pub code: String,
    pub name: String,
    /// How diligent its People's Committee office is, 0 to 1.
    pub diligence: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedCommune {
    pub code: String,
    pub name: String,
    /// Index into [`Plan::provinces`].
    pub province: usize,
    /// Its share of all petitions.
    pub weight: f64,
    pub diligence: f64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedAccount {
    pub username: String,
    pub role: Role,
    pub desk: Option<Desk>,
    /// A supervisor's scope: `national`, `province:NN`, `commune:NNNNN`.
    pub scope: Option<String>,
    pub can_reveal_identity: bool,
    pub password: String,
}

/// One thing that happens to a petition after its receipt.
#[derive(Debug, Clone, PartialEq)]
pub enum Act {
    /// To another commune's office (index into [`Plan::communes`]); the clocks restart there.
    Transfer {
        to: usize,
    },
    Accept {
        complexity: Complexity,
    },
    Reject {
        reason: RejectReason,
    },
    /// By the office head, where the rules allow it.
    Extend {
        clock: ClockName,
    },
    Answer {
        body: &'static str,
        decision_number: Option<String>,
    },
    /// By the citizen (through the partner, or with the receipt secret); closes it.
    Rate {
        satisfied: bool,
        score: i32,
    },
    /// By an official, once the rating window has passed.
    Close,
    Withdraw,
    /// A denouncer told of the acceptance (Law on Denunciations art. 29).
    Notify,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub at: DateTime<Utc>,
    pub act: Act,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedPetition {
    pub received_at: DateTime<Utc>,
    pub commune: usize,
    /// The kind filed; [`Self::handled`] is what the law makes of it.
    pub filed: Kind,
    pub handled: Kind,
    /// `None`: anonymous.
    pub citizen: Option<Citizen>,
    /// A denunciation about the commune's leadership: the province handles it.
    pub about_leadership: bool,
    pub category: String,
    pub channel: Channel,
    /// Index into [`Plan::partners`] (for the partner channel).
    pub partner: usize,
    pub title: String,
    pub description: String,
    pub location: Option<Location>,
    pub decision_date: Option<NaiveDate>,
    pub public: bool,
    /// In the order of their instants, all after the receipt and by the end of the period.
    pub steps: Vec<Step>,
}

impl PlannedPetition {
    /// Where the plan leaves the petition at the end of the period.
    pub fn final_status(&self) -> Status {
        let mut status = Status::Received;
        for step in &self.steps {
            status = match step.act {
                Act::Transfer { .. } | Act::Extend { .. } | Act::Notify => status,
                Act::Accept { .. } => Status::Accepted,
                Act::Reject { .. } => Status::Rejected,
                Act::Answer { .. } => Status::Answered,
                Act::Rate { .. } | Act::Close => Status::Closed,
                Act::Withdraw => Status::Withdrawn,
            };
        }
        status
    }

    /// The desk that first receives it.
    pub fn first_desk(&self, plan: &Plan) -> Desk {
        match plan.communes.get(self.commune) {
            Some(c) if self.about_leadership => Desk::Province(c.province),
            _ => Desk::Commune(self.commune),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub seed: u64,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// When the accounts and partners are made: the morning before the first day.
    pub setup_at: DateTime<Utc>,
    /// The end of the last day: nothing is planned after it.
    pub end: DateTime<Utc>,
    pub provinces: Vec<PlannedProvince>,
    pub communes: Vec<PlannedCommune>,
    pub partners: Vec<&'static str>,
    pub accounts: Vec<PlannedAccount>,
    /// In the order of their receipt.
    pub petitions: Vec<PlannedPetition>,
}

const STREAM_WORLD: u64 = 1;
const STREAM_PASSWORDS: u64 = 2;
const STREAM_INTAKE: u64 = 3;
/// Petition `i` lives on stream `STREAM_LIVES + i`.
const STREAM_LIVES: u64 = 1 << 32;

fn stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Draws the plan.
pub fn draw<C: Calendar>(world: &World<C>, size: &Size) -> Result<Plan, PlanError> {
    if world.provinces.is_empty() {
        return Err(PlanError::NoProvince);
    }
    if world.categories.is_empty() {
        return Err(PlanError::NoCategory);
    }
    if size.last_day < size.first_day {
        return Err(PlanError::EmptyPeriod);
    }
    let (provinces, communes) = draw_units(world, size)?;
    let accounts = draw_accounts(size.seed, &provinces, &communes);
    let mut plan = Plan {
        seed: size.seed,
        first_day: size.first_day,
        last_day: size.last_day,
        setup_at: local(
            size.first_day.pred_opt().unwrap_or(size.first_day),
            9 * 3600,
        ),
        end: end_of_day(size.last_day),
        provinces,
        communes,
        partners: texts::PARTNERS.iter().map(|(name, _)| *name).collect(),
        accounts,
        petitions: Vec::with_capacity(size.petitions),
    };
    let intakes = draw_intakes(world.calendar, &plan, size);
    for (i, intake) in intakes.into_iter().enumerate() {
        let mut rng = stream(size.seed, STREAM_LIVES + i as u64);
        let petition = draw_petition(world, &plan, intake, i, &mut rng);
        plan.petitions.push(petition);
    }
    Ok(plan)
}

/// The communes taking part, their weights and their offices' diligence.
fn draw_units<C>(
    world: &World<C>,
    size: &Size,
) -> Result<(Vec<PlannedProvince>, Vec<PlannedCommune>), PlanError> {
    let mut rng = stream(size.seed, STREAM_WORLD);
    let total: usize = world.provinces.iter().map(|p| p.communes.len()).sum();
    let mut provinces = Vec::new();
    let mut communes = Vec::new();
    for (p, input) in world.provinces.iter().enumerate() {
        if input.communes.is_empty() {
            return Err(PlanError::NoCommune(input.code.clone()));
        }
        provinces.push(PlannedProvince {
            code: input.code.clone(),
            name: input.name.clone(),
            diligence: diligence(&mut rng),
        });
        // A province's share follows its number of communes: a rough stand-in for people.
        let share = input.communes.len() as f64 / total.max(1) as f64;
        let mut chosen: Vec<usize> = (0..input.communes.len()).collect();
        let take = size.communes.clamp(1, chosen.len());
        for i in 0..take {
            let j = rng.random_range(i..chosen.len());
            chosen.swap(i, j);
        }
        chosen.truncate(take);
        chosen.sort_unstable();
        // Lognormal sizes: a few busy wards, many quiet communes; none more than six times
        // the typical one, or a single ward would hold a third of its city's petitions.
        let weights: Vec<f64> = chosen
            .iter()
            .map(|_| (0.9 * normal(&mut rng).clamp(-2.5, 2.0)).exp())
            .collect();
        let sum: f64 = weights.iter().sum();
        for (&c, w) in chosen.iter().zip(weights) {
            let (code, name) = &input.communes[c];
            communes.push(PlannedCommune {
                code: code.clone(),
                name: name.clone(),
                province: p,
                weight: share * w / sum,
                diligence: diligence(&mut rng),
            });
        }
    }
    Ok((provinces, communes))
}

/// An office's diligence: most answer most petitions on time, some do not.
fn diligence(rng: &mut ChaCha8Rng) -> f64 {
    0.2 + 0.77 * rng.random::<f64>().powf(0.8)
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// An exponential draw with this mean.
fn exponential(rng: &mut ChaCha8Rng, mean: f64) -> f64 {
    -mean * (1.0 - rng.random::<f64>()).ln()
}

/// Picks an item by weight.
fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [(T, f64)]) -> &'a T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut left = rng.random::<f64>() * total;
    for (item, w) in items {
        if left < *w {
            return item;
        }
        left -= w;
    }
    &items[items.len() - 1].0
}

fn one_of<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// An admin, a supervisor for the nation, each province and every fifth commune; an official
/// and an office head for every office petitions reach.
fn draw_accounts(
    seed: u64,
    provinces: &[PlannedProvince],
    communes: &[PlannedCommune],
) -> Vec<PlannedAccount> {
    let mut rng = stream(seed, STREAM_PASSWORDS);
    let mut accounts = Vec::new();
    let mut add = |username: String, role, desk, scope: Option<String>| {
        let password = password(&mut rng, &username);
        accounts.push(PlannedAccount {
            username,
            role,
            desk,
            scope,
            can_reveal_identity: role == Role::OfficeHead,
            password,
        });
    };
    add("quantri".into(), Role::Admin, None, None);
    add(
        "mttq.vn".into(),
        Role::Supervisor,
        None,
        Some("national".into()),
    );
    for (p, province) in provinces.iter().enumerate() {
        let code = &province.code;
        add(
            format!("mttq.t{code}"),
            Role::Supervisor,
            None,
            Some(format!("province:{code}")),
        );
        add(
            format!("canbo.t{code}"),
            Role::Official,
            Some(Desk::Province(p)),
            None,
        );
        add(
            format!("lanhdao.t{code}"),
            Role::OfficeHead,
            Some(Desk::Province(p)),
            None,
        );
        for (c, commune) in communes.iter().enumerate().filter(|(_, c)| c.province == p) {
            let code = &commune.code;
            let nth = communes[..c].iter().filter(|o| o.province == p).count();
            if nth % 5 == 0 {
                add(
                    format!("mttq.{code}"),
                    Role::Supervisor,
                    None,
                    Some(format!("commune:{code}")),
                );
            }
            add(
                format!("canbo.{code}"),
                Role::Official,
                Some(Desk::Commune(c)),
                None,
            );
            add(
                format!("lanhdao.{code}"),
                Role::OfficeHead,
                Some(Desk::Commune(c)),
                None,
            );
        }
    }
    accounts
}

/// Four groups of four letters and digits that cannot be misread, e.g. `k7Qm-xR4t-…`: about 90
/// bits, well past the password policy ([`crate::auth::password::check_strength`]).
fn password(rng: &mut ChaCha8Rng, username: &str) -> String {
    const SYMBOLS: &[u8] = b"abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679";
    loop {
        let groups: Vec<String> = (0..4)
            .map(|_| (0..4).map(|_| char::from(*one_of(rng, SYMBOLS))).collect())
            .collect();
        let candidate = groups.join("-");
        if crate::auth::password::check_strength(&candidate, &[username]).is_ok() {
            return candidate;
        }
    }
}

/// When, where, what kind and by which channel each petition arrives, sorted by time.
struct Intake {
    at: DateTime<Utc>,
    commune: usize,
    kind: Kind,
    channel: Channel,
}

fn draw_intakes<C: Calendar>(calendar: &C, plan: &Plan, size: &Size) -> Vec<Intake> {
    let mut rng = stream(size.seed, STREAM_INTAKE);
    let days: Vec<NaiveDate> = size
        .first_day
        .iter_days()
        .take_while(|d| *d <= size.last_day)
        .collect();
    // More each month, as the apps spread (0.7 to 1.3 of the mean); online petitions come
    // any day, fewer on days off; at the desk only on working days.
    let trend = |i: usize| 0.7 + 0.6 * i as f64 / days.len().max(1) as f64;
    let cumulative = |weight: &dyn Fn(usize, NaiveDate) -> f64| {
        let mut sum = 0.0;
        days.iter()
            .enumerate()
            .map(|(i, d)| {
                sum += weight(i, *d);
                sum
            })
            .collect::<Vec<f64>>()
    };
    let online = cumulative(&|i, d| trend(i) * if calendar.is_working_day(d) { 1.0 } else { 0.4 });
    let desk = cumulative(&|i, d| trend(i) * if calendar.is_working_day(d) { 1.0 } else { 0.0 });
    let commune_weights: Vec<f64> = plan
        .communes
        .iter()
        .scan(0.0, |sum, c| {
            *sum += c.weight;
            Some(*sum)
        })
        .collect();
    let draw_from = |rng: &mut ChaCha8Rng, cumulative: &[f64]| {
        let total = cumulative.last().copied().unwrap_or(0.0);
        let x = rng.random::<f64>() * total;
        cumulative
            .partition_point(|&c| c <= x)
            .min(cumulative.len().saturating_sub(1))
    };
    let mut intakes: Vec<Intake> = (0..size.petitions)
        .map(|_| {
            let kind = *pick(
                &mut rng,
                &[
                    (Kind::Feedback, 0.44),
                    (Kind::Recommendation, 0.30),
                    (Kind::Complaint, 0.16),
                    (Kind::Denunciation, 0.10),
                ],
            );
            let at_desk = match kind {
                Kind::Complaint | Kind::Denunciation => 0.30,
                Kind::Recommendation | Kind::Feedback => 0.10,
            };
            let in_person = rng.random_bool(at_desk) && desk.last().is_some_and(|t| *t > 0.0);
            let (channel, day, from, hours) = if in_person {
                let day = days[draw_from(&mut rng, &desk)];
                (Channel::InPerson, day, 7 * 3600 + 1800, 9 * 3600)
            } else {
                let day = days[draw_from(&mut rng, &online)];
                (Channel::Partner, day, 6 * 3600, 17 * 3600)
            };
            let seconds = from + rng.random_range(0..hours);
            let commune = draw_from(&mut rng, &commune_weights);
            Intake {
                at: local(day, seconds),
                commune,
                kind,
                channel,
            }
        })
        .collect();
    intakes.sort_by_key(|i| i.at);
    intakes
}

/// An instant on a day in Vietnam (UTC+7), `seconds` after its midnight.
pub fn local(day: NaiveDate, seconds: u32) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Utc.from_utc_datetime(&midnight) - Duration::hours(7) + Duration::seconds(i64::from(seconds))
}

/// Some time in office hours (07:30–16:30 in Vietnam) of `day`.
fn office_time(rng: &mut ChaCha8Rng, day: NaiveDate) -> DateTime<Utc> {
    local(day, 7 * 3600 + 1800 + rng.random_range(0..9 * 3600))
}

/// The `n`th working day after `day`; for 0, `day` itself if it is one, else the next.
fn working_day<C: Calendar>(calendar: &C, day: NaiveDate, n: u32) -> NaiveDate {
    if n == 0 {
        let mut d = day;
        for _ in 0..60 {
            if calendar.is_working_day(d) {
                break;
            }
            d = d.succ_opt().unwrap_or(d);
        }
        d
    } else {
        clock::due_date(calendar, day, n, DayType::Working)
    }
}

/// A moment after `after`: `candidate` when it is later, else a little after.
fn after(rng: &mut ChaCha8Rng, after: DateTime<Utc>, candidate: DateTime<Utc>) -> DateTime<Utc> {
    if candidate > after {
        candidate
    } else {
        after + Duration::minutes(rng.random_range(5..90))
    }
}

/// Some time in office hours of `day`, after `at`.
fn office_after(rng: &mut ChaCha8Rng, at: DateTime<Utc>, day: NaiveDate) -> DateTime<Utc> {
    let candidate = office_time(rng, day);
    after(rng, at, candidate)
}

/// Working days an office is late by: mostly a few, sometimes weeks.
fn late_days(rng: &mut ChaCha8Rng) -> u32 {
    let mean = if rng.random_bool(0.15) { 20.0 } else { 4.0 };
    1 + (exponential(rng, mean) as u32).min(90)
}

/// The clocks of one petition at one office, as the rules give them.
struct Clocks<'a, C> {
    calendar: &'a C,
    rules: &'a RuleBook,
    kind: Kind,
    province: &'a str,
    category: &'a str,
    received_on: chrono::NaiveDate,
}

impl<'a, C: Calendar> Clocks<'a, C> {
    fn rule(
        &self,
        name: ClockName,
        starts: Starts,
        complexity: Option<Complexity>,
    ) -> Option<&'a Rule> {
        let case = Case {
            kind: self.kind,
            second_time: false,
            remote: false,
            complexity,
            province_code: self.province,
            category_code: self.category,
            received_on: self.received_on,
        };
        self.rules
            .clocks(&case, starts)
            .into_iter()
            .find(|r| r.clock == name)
    }

    fn due(&self, started: DateTime<Utc>, days: u32, day_type: DayType) -> DateTime<Utc> {
        end_of_day(clock::due_date(
            self.calendar,
            local_date(started),
            days,
            day_type,
        ))
    }
}

/// A clock the plan follows: when it started, its rule's length and extensions.
struct Running<'a> {
    rule: &'a Rule,
    started: DateTime<Utc>,
    days: u32,
    extensions: u32,
}

impl Running<'_> {
    fn due<C: Calendar>(&self, clocks: &Clocks<C>) -> DateTime<Utc> {
        clocks.due(self.started, self.days, self.rule.day_type)
    }
}

/// A time to take a step due at `due`, from `from`: on time (early, mostly), or late.
fn step_time<C: Calendar>(
    rng: &mut ChaCha8Rng,
    calendar: &C,
    from: DateTime<Utc>,
    due: DateTime<Utc>,
    on_time: bool,
) -> DateTime<Utc> {
    if on_time && due > from {
        let first = working_day(calendar, local_date(from), 0);
        let mut days = Vec::new();
        let mut d = first;
        while d <= local_date(due) && days.len() < 400 {
            days.push(d);
            d = working_day(calendar, d, 1);
        }
        if !days.is_empty() {
            let k = ((days.len() as f64) * rng.random::<f64>().powf(1.8)) as usize;
            let at = office_after(rng, from, days[k.min(days.len() - 1)]);
            if at <= due {
                return at;
            }
        }
        return from + Duration::seconds((due - from).num_seconds() / 2);
    }
    let day = working_day(calendar, local_date(due.max(from)), late_days(rng));
    office_after(rng, from.max(due), day)
}

fn draw_petition<C: Calendar>(
    world: &World<C>,
    plan: &Plan,
    intake: Intake,
    i: usize,
    rng: &mut ChaCha8Rng,
) -> PlannedPetition {
    let commune = &plan.communes[intake.commune];
    let filed = intake.kind;
    let identified = match filed {
        Kind::Complaint => true,
        Kind::Denunciation => rng.random_bool(0.78),
        Kind::Recommendation => rng.random_bool(0.75),
        Kind::Feedback => rng.random_bool(0.60),
    };
    // Law on Denunciations art. 25: without a clear identity, it is taken in as feedback.
    let handled = if filed == Kind::Denunciation && !identified {
        Kind::Feedback
    } else {
        filed
    };
    let about_leadership = handled == Kind::Denunciation && rng.random_bool(0.15);
    let has = |code: &str| world.categories.iter().any(|c| c == code);
    let weights: Vec<(&str, f64)> = texts::category_weights(filed)
        .iter()
        .copied()
        .filter(|(code, _)| has(code))
        .collect();
    let category = if about_leadership && has("officials_conduct") {
        "officials_conduct".to_owned()
    } else if weights.is_empty() {
        one_of(rng, &world.categories).clone()
    } else {
        (*pick(rng, &weights)).to_owned()
    };
    let place = one_of(rng, texts::PLACES).replace("{}", &rng.random_range(1..40).to_string());
    let topics: Vec<&texts::Topic> = texts::TOPICS
        .iter()
        .filter(|t| t.category == category)
        .collect();
    let (title, description) = match topics.is_empty() {
        true => (
            format!("Kiến nghị tại {place}"),
            "Đề nghị Ủy ban nhân dân xem xét, giải quyết.".to_owned(),
        ),
        false => {
            let topic = one_of(rng, &topics);
            (
                topic.title.replace("{}", &place),
                topic.description.to_owned(),
            )
        }
    };
    let description = format!("{description} Địa điểm: {place}, {}.", commune.name);
    let partner = *pick(
        rng,
        &texts::PARTNERS
            .iter()
            .enumerate()
            .map(|(i, (_, w))| (i, *w))
            .collect::<Vec<_>>(),
    );
    let citizen = identified.then(|| Citizen {
        partner_ref: (intake.channel == Channel::Partner).then(|| format!("demo-{i:06}")),
        full_name: Some(format!(
            "{} {} {}",
            one_of(rng, texts::FAMILY_NAMES),
            one_of(rng, texts::MIDDLE_NAMES),
            one_of(rng, texts::GIVEN_NAMES)
        )),
        phone: Some(format!("09{:08}", rng.random_range(0..100_000_000u32))),
        email: None,
        address: Some(format!(
            "Số {}, {place}, {}",
            rng.random_range(1..200),
            commune.name
        )),
        id_number: Some(format!("{:012}", rng.random_range(0..1_000_000_000_000u64))),
    });
    // Law on Complaints art. 9: 90 days; a few file later and are flagged.
    let decision_date = (filed == Kind::Complaint).then(|| {
        let days = if rng.random_bool(0.07) {
            rng.random_range(91..200)
        } else {
            rng.random_range(3..80)
        };
        local_date(intake.at) - chrono::Days::new(days)
    });
    let late_filing = decision_date.is_some_and(|d| (local_date(intake.at) - d).num_days() > 90);
    let public = matches!(handled, Kind::Feedback | Kind::Recommendation) && rng.random_bool(0.3);
    let location = (handled == Kind::Feedback && rng.random_bool(0.5)).then(|| Location {
        lat: None,
        lon: None,
        address: Some(format!("{place}, {}", commune.name)),
    });
    let mut petition = PlannedPetition {
        received_at: intake.at,
        commune: intake.commune,
        filed,
        handled,
        citizen,
        about_leadership,
        category,
        channel: intake.channel,
        partner,
        title,
        description,
        location,
        decision_date,
        public,
        steps: Vec::new(),
    };
    petition.steps = draw_life(world, plan, &petition, late_filing, rng);
    // What would happen after the end of the period has not happened yet.
    let kept = petition
        .steps
        .iter()
        .take_while(|s| s.at <= plan.end)
        .count();
    petition.steps.truncate(kept);
    petition
}

fn desk_diligence(plan: &Plan, desk: Desk) -> f64 {
    match desk {
        Desk::Commune(c) => plan.communes.get(c).map_or(0.7, |c| c.diligence),
        Desk::Province(p) => plan.provinces.get(p).map_or(0.7, |p| p.diligence),
    }
}

/// What happens to a petition after its receipt, in order; the caller drops the steps that
/// fall after the end of the period.
fn draw_life<C: Calendar>(
    world: &World<C>,
    plan: &Plan,
    p: &PlannedPetition,
    late_filing: bool,
    rng: &mut ChaCha8Rng,
) -> Vec<Step> {
    let calendar = world.calendar;
    let kind = p.handled;
    let commune = &plan.communes[p.commune];
    let clocks = Clocks {
        calendar,
        rules: world.rules,
        kind,
        province: &plan.provinces[commune.province].code,
        category: &p.category,
        received_on: local_date(p.received_at),
    };
    let mut steps = Vec::new();
    let mut desk = p.first_desk(plan);
    let mut received = p.received_at;
    let mut now = received;

    // Some citizens change their mind at once.
    if rng.random_bool(0.02) {
        let at = now + Duration::minutes(rng.random_range(120..8 * 24 * 60));
        push(&mut steps, &mut now, at, Act::Withdraw);
        return steps;
    }
    // Some petitions reached the wrong commune.
    let neighbours: Vec<usize> = (0..plan.communes.len())
        .filter(|&c| c != p.commune && plan.communes[c].province == commune.province)
        .collect();
    if matches!(desk, Desk::Commune(_)) && !neighbours.is_empty() && rng.random_bool(0.04) {
        let to = *one_of(rng, &neighbours);
        let day = working_day(calendar, local_date(now), rng.random_range(0..3));
        let at = office_after(rng, now, day);
        push(&mut steps, &mut now, at, Act::Transfer { to });
        desk = Desk::Commune(to);
        received = at;
    }
    let diligence = desk_diligence(plan, desk);
    let neglect = 0.015 + 0.1 * (1.0 - diligence);

    // The first step: accept or refuse, within the first-step clock.
    if rng.random_bool(neglect) {
        return steps;
    }
    let first = clocks.rule(first_step_clock(kind), Starts::Receipt, None);
    let first_due = first.map_or(
        end_of_day(working_day(calendar, local_date(received), 2)),
        |r| clocks.due(received, r.days, r.day_type),
    );
    let mut on_time = rng.random_bool(0.5 + 0.48 * diligence);
    let mut due = first_due;
    // A denunciation's initial processing may be extended once, while it is still received.
    if let Some(rule) = first
        && !on_time
        && rule.extension(0).is_some()
        && rng.random_bool(0.5)
    {
        let day = working_day(calendar, local_date(first_due), 0);
        let at = office_after(rng, now, day);
        if at < first_due {
            push(&mut steps, &mut now, at, Act::Extend { clock: rule.clock });
            let extended = Running {
                rule,
                started: received,
                days: rule.days + rule.extension(0).unwrap_or(0),
                extensions: 1,
            };
            due = extended.due(&clocks);
            on_time = rng.random_bool(0.7);
        }
    }
    let refuse = match kind {
        Kind::Complaint if late_filing => 0.7,
        Kind::Complaint | Kind::Denunciation => 0.1,
        Kind::Recommendation | Kind::Feedback => 0.03,
    };
    let at = step_time(rng, calendar, now, due, on_time);
    if rng.random_bool(refuse) {
        let reason = if late_filing {
            RejectReason::OutOfTime
        } else {
            *pick(rng, texts::REJECT_REASONS)
        };
        push(&mut steps, &mut now, at, Act::Reject { reason });
        return steps;
    }
    let complexity = match kind {
        Kind::Complaint | Kind::Denunciation => *pick(
            rng,
            &[
                (Complexity::Normal, 0.70),
                (Complexity::Complex, 0.22),
                (Complexity::EspeciallyComplex, 0.08),
            ],
        ),
        Kind::Recommendation | Kind::Feedback => Complexity::Normal,
    };
    push(&mut steps, &mut now, at, Act::Accept { complexity });
    let accepted = at;
    if kind == Kind::Denunciation {
        // The denouncer is told of the acceptance within its five working days, one time in
        // ten a few days late.
        let days = if rng.random_bool(0.9) {
            rng.random_range(1..=4)
        } else {
            rng.random_range(6..=9)
        };
        let day = working_day(calendar, local_date(accepted), days);
        let at = office_after(rng, now, day);
        push(&mut steps, &mut now, at, Act::Notify);
    }

    if rng.random_bool(0.02) {
        let at = now + Duration::minutes(rng.random_range(60..10 * 24 * 60));
        push(&mut steps, &mut now, at, Act::Withdraw);
        return steps;
    }
    if rng.random_bool(neglect) {
        return steps;
    }

    // The answer, within the answer clock: from receipt for recommendations and feedback,
    // from acceptance for complaints and denunciations.
    let name = answer_clock(kind);
    let (starts, started) = match kind {
        Kind::Complaint | Kind::Denunciation => (Starts::Acceptance, accepted),
        Kind::Recommendation | Kind::Feedback => (Starts::Receipt, received),
    };
    let Some(rule) = clocks.rule(name, starts, Some(complexity)) else {
        let at = step_time(rng, calendar, now, now + Duration::days(10), true);
        push(&mut steps, &mut now, at, answer(rng, kind));
        return steps;
    };
    let mut clock = Running {
        rule,
        started,
        days: rule.days,
        extensions: 0,
    };
    let hard = match complexity {
        Complexity::Normal => 0.0,
        Complexity::Complex => 0.08,
        Complexity::EspeciallyComplex => 0.15,
    };
    let mut on_time = rng.random_bool((0.15 + 0.8 * diligence - hard).clamp(0.05, 0.98));
    // An office that sees it will be late asks its head for the extension the law allows, a
    // working day or two before the due date.
    while !on_time
        && let Some(days) = rule.extension(clock.extensions)
        && rng.random_bool(0.5)
    {
        let due = clock.due(&clocks);
        let before = local_date(due)
            .pred_opt()
            .map_or(local_date(due), |d| working_day_before(calendar, d));
        let at = office_after(rng, now, before.max(local_date(now)));
        if at >= due {
            break;
        }
        push(&mut steps, &mut now, at, Act::Extend { clock: rule.clock });
        clock.days += days;
        clock.extensions += 1;
        on_time = rng.random_bool(0.7);
    }
    let due = clock.due(&clocks);
    let at = step_time(rng, calendar, now, due, on_time);
    let on_time = at <= due;
    push(&mut steps, &mut now, at, answer(rng, kind));

    // The citizen rates the answer within the rating window, or an official closes it after.
    if rng.random_bool(0.45 + 0.25 * diligence) {
        let hours = (exponential(rng, 72.0) as i64).clamp(1, 29 * 24);
        let at = now + Duration::hours(hours) + Duration::minutes(rng.random_range(0..60));
        let chance = match (on_time, kind) {
            (true, Kind::Complaint | Kind::Denunciation) => 0.62,
            (true, _) => 0.82,
            (false, _) => 0.33,
        };
        let satisfied = rng.random_bool(chance);
        let score = if satisfied {
            if rng.random_bool(0.6) { 5 } else { 4 }
        } else {
            rng.random_range(1..=3)
        };
        push(&mut steps, &mut now, at, Act::Rate { satisfied, score });
    } else if rng.random_bool(0.8) {
        let day = working_day(
            calendar,
            local_date(now) + chrono::Days::new(rng.random_range(31..46)),
            0,
        );
        let at = office_after(rng, now, day);
        push(&mut steps, &mut now, at, Act::Close);
    }
    steps
}

fn push(steps: &mut Vec<Step>, now: &mut DateTime<Utc>, at: DateTime<Utc>, act: Act) {
    *now = at;
    steps.push(Step { at, act });
}

/// The last working day on or before `day`.
fn working_day_before<C: Calendar>(calendar: &C, day: NaiveDate) -> NaiveDate {
    let mut d = day;
    for _ in 0..60 {
        if calendar.is_working_day(d) {
            return d;
        }
        d = d.pred_opt().unwrap_or(d);
    }
    day
}

fn answer(rng: &mut ChaCha8Rng, kind: Kind) -> Act {
    let decision_number = matches!(kind, Kind::Complaint | Kind::Denunciation)
        .then(|| format!("{}/QĐ-UBND", rng.random_range(1..1000)));
    let bodies = texts::answer_body(kind);
    Act::Answer {
        body: bodies[rng.random_range(0..bodies.len())],
        decision_number,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::VietnamCalendar;
    use crate::domain::workflow::{self, Action};
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn calendar() -> &'static VietnamCalendar {
        static CALENDAR: OnceLock<VietnamCalendar> = OnceLock::new();
        CALENDAR.get_or_init(|| VietnamCalendar::new(Vec::new(), 0))
    }

    fn rules() -> RuleBook {
        let rules = crate::domain::rules::defaults()
            .unwrap()
            .into_iter()
            .enumerate()
            .map(|(i, r)| Rule {
                id: i as i64 + 1,
                ..r
            })
            .collect();
        RuleBook::new(rules, 1)
    }

    const CATEGORIES: [&str; 10] = [
        "land",
        "environment",
        "traffic",
        "public_order",
        "social_welfare",
        "health",
        "education",
        "admin_procedures",
        "officials_conduct",
        "other",
    ];

    fn province(code: &str, first: u32, n: u32) -> ProvinceInput {
        ProvinceInput {
            code: code.into(),
            name: format!("Tỉnh {code}"),
            communes: (first..first + n)
                .map(|c| (format!("{c:05}"), format!("Xã {c}")))
                .collect(),
        }
    }

    fn size(seed: u64, petitions: usize) -> Size {
        Size {
            seed,
            petitions,
            communes: 12,
            first_day: NaiveDate::from_ymd_opt(2025, 11, 1).unwrap(),
            last_day: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
        }
    }

    fn plan(size: &Size) -> Plan {
        let rules = rules();
        let world = World {
            calendar: calendar(),
            rules: &rules,
            provinces: vec![province("01", 1, 40), province("11", 100, 8)],
            categories: CATEGORIES.iter().map(|c| c.to_string()).collect(),
        };
        draw(&world, size).unwrap()
    }

    #[test]
    fn the_same_seed_draws_the_same_year_and_another_seed_another() {
        let a = plan(&size(7, 400));
        assert_eq!(a, plan(&size(7, 400)));
        let b = plan(&size(8, 400));
        assert_ne!(a.petitions, b.petitions);
        assert_ne!(a.accounts, b.accounts);
        // The accounts and their passwords follow from the seed and the units, not the size.
        assert_eq!(a.accounts, plan(&size(7, 50)).accounts);
    }

    /// The action the workflow knows a planned act by.
    fn action(act: &Act) -> Action {
        match act {
            Act::Transfer { .. } => Action::Transfer,
            Act::Accept { .. } => Action::Accept,
            Act::Reject { .. } => Action::Reject,
            Act::Extend { .. } => Action::Extend,
            Act::Answer { .. } => Action::Answer,
            Act::Rate { .. } => Action::Rate,
            Act::Close => Action::Close,
            Act::Withdraw => Action::Withdraw,
            Act::Notify => Action::Notify,
        }
    }

    /// What must hold of every plan, whatever the seed.
    fn check(plan: &Plan) {
        let start = local(plan.first_day, 0);
        let rules = rules();
        let mut previous = start;
        for (i, p) in plan.petitions.iter().enumerate() {
            assert!(p.received_at >= previous, "petition {i} out of order");
            previous = p.received_at;
            assert!(p.received_at > plan.setup_at && p.received_at <= plan.end);
            if p.channel == Channel::InPerson {
                let day = local_date(p.received_at);
                assert!(
                    calendar().is_working_day(day),
                    "petition {i} at the desk on {day}"
                );
            }
            // The law on identity (DESIGN §3.1).
            match p.filed {
                Kind::Complaint => {
                    assert!(
                        p.citizen
                            .as_ref()
                            .is_some_and(Citizen::gives_name_and_address)
                    );
                    assert_eq!(p.handled, Kind::Complaint);
                }
                Kind::Denunciation => assert_eq!(
                    p.handled,
                    if p.citizen.is_some() {
                        Kind::Denunciation
                    } else {
                        Kind::Feedback
                    }
                ),
                kind => assert_eq!(p.handled, kind),
            }
            assert!(!p.about_leadership || p.handled == Kind::Denunciation);
            // Each step after the one before, none before the receipt or after the end, each
            // one the workflow allows from where the petition stands.
            let mut at = p.received_at;
            let mut status = Status::Received;
            let mut answered_at = None;
            let mut extensions: Vec<ClockName> = Vec::new();
            for step in &p.steps {
                assert!(step.at > at, "petition {i}: {:?} not after {at}", step.act);
                assert!(step.at <= plan.end);
                at = step.at;
                match &step.act {
                    Act::Extend { clock } => {
                        let allowed = status == Status::Accepted
                            || (status == Status::Received
                                && *clock == ClockName::InitialProcessing);
                        assert!(allowed, "petition {i}: extension while {status:?}");
                        let so_far = extensions.iter().filter(|c| *c == clock).count() as u32;
                        let complexity = p.steps.iter().find_map(|s| match s.act {
                            Act::Accept { complexity } => Some(complexity),
                            _ => None,
                        });
                        let starts = match clock {
                            ClockName::Resolve => Starts::Acceptance,
                            _ => Starts::Receipt,
                        };
                        let case = Case {
                            kind: p.handled,
                            second_time: false,
                            remote: false,
                            complexity: complexity.filter(|_| starts == Starts::Acceptance),
                            province_code: &plan.provinces[plan.communes[p.commune].province].code,
                            category_code: &p.category,
                            received_on: local_date(p.received_at),
                        };
                        let rule = rules
                            .clocks(&case, starts)
                            .into_iter()
                            .find(|r| r.clock == *clock)
                            .unwrap_or_else(|| panic!("petition {i}: no {clock:?} clock"));
                        assert!(
                            rule.extension(so_far).is_some(),
                            "petition {i}: {clock:?} extended beyond the law"
                        );
                        extensions.push(*clock);
                    }
                    act => {
                        status = workflow::next(status, action(act))
                            .unwrap_or_else(|e| panic!("petition {i}: {e}"));
                    }
                }
                match &step.act {
                    Act::Answer { .. } => answered_at = Some(step.at),
                    Act::Rate { score, .. } => {
                        let answered = answered_at.expect("rated before the answer");
                        assert!(step.at - answered <= Duration::days(30));
                        assert!((1..=5).contains(score));
                    }
                    Act::Transfer { to } => {
                        assert_ne!(*to, p.commune);
                        assert_eq!(
                            plan.communes[*to].province,
                            plan.communes[p.commune].province
                        );
                    }
                    _ => {}
                }
            }
            assert_eq!(p.final_status(), status);
        }
        // Every office a petition can reach has an official and a head; usernames are unique
        // and every password passes the policy.
        let mut names: Vec<&str> = plan.accounts.iter().map(|a| a.username.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), plan.accounts.len());
        let desks = (0..plan.communes.len())
            .map(Desk::Commune)
            .chain((0..plan.provinces.len()).map(Desk::Province));
        for desk in desks {
            for role in [Role::Official, Role::OfficeHead] {
                assert!(
                    plan.accounts
                        .iter()
                        .any(|a| a.desk == Some(desk) && a.role == role),
                    "{desk:?} has no {role:?}"
                );
            }
        }
        for a in &plan.accounts {
            assert!(crate::domain::staff::is_username(&a.username));
            assert!(crate::auth::password::check_strength(&a.password, &[&a.username]).is_ok());
        }
    }

    #[test]
    fn a_year_is_true_to_the_workflow_and_the_law() {
        check(&plan(&size(2026, 3000)));
    }

    #[test]
    fn a_year_has_something_true_to_show_for_every_figure() {
        let plan = plan(&size(2026, 3000));
        let n = plan.petitions.len() as f64;
        let count = |f: &dyn Fn(&PlannedPetition) -> bool| {
            plan.petitions.iter().filter(|p| f(p)).count() as f64
        };
        let did = |p: &PlannedPetition, f: fn(&Act) -> bool| p.steps.iter().any(|s| f(&s.act));
        let share = |f: &dyn Fn(&PlannedPetition) -> bool| count(f) / n;
        let answered = count(&|p| did(p, |a| matches!(a, Act::Answer { .. })));
        let rated = count(&|p| did(p, |a| matches!(a, Act::Rate { .. })));
        assert!((0.6..0.9).contains(&(answered / n)), "answered {answered}");
        assert!((0.4..0.75).contains(&(rated / answered)), "rated {rated}");
        for (what, f, low, high) in [
            (
                "transferred",
                (|a: &Act| matches!(a, Act::Transfer { .. })) as fn(&Act) -> bool,
                0.01,
                0.08,
            ),
            ("rejected", |a| matches!(a, Act::Reject { .. }), 0.02, 0.1),
            ("extended", |a| matches!(a, Act::Extend { .. }), 0.03, 0.3),
            ("withdrawn", |a| matches!(a, Act::Withdraw), 0.01, 0.08),
            ("closed", |a| matches!(a, Act::Close), 0.05, 0.4),
        ] {
            let s = share(&|p| did(p, f));
            assert!((low..high).contains(&s), "{what}: {s}");
        }
        let open = share(&|p| matches!(p.final_status(), Status::Received | Status::Accepted));
        assert!((0.03..0.25).contains(&open), "open {open}");
        for kind in Kind::ALL {
            assert!(share(&|p| p.filed == kind) > 0.05, "{kind:?}");
        }
        assert!(count(&|p| p.filed == Kind::Denunciation && p.handled == Kind::Feedback) > 0.0);
        assert!(count(&|p| p.about_leadership) > 0.0);
        assert!(count(&|p| p.channel == Channel::InPerson) > 0.0);
        // Busy communes and quiet ones: some above the ranking floor of 30 a month, some
        // below the suppression threshold of 5.
        let mut per_commune = vec![0usize; plan.communes.len()];
        for p in &plan.petitions {
            per_commune[p.commune] += 1;
        }
        assert!(per_commune.iter().any(|&c| c / 12 >= 30), "{per_commune:?}");
        assert!(per_commune.iter().any(|&c| c / 12 < 5), "{per_commune:?}");
        // Diligent offices and slack ones.
        let diligence: Vec<f64> = plan.communes.iter().map(|c| c.diligence).collect();
        let (low, high) = diligence
            .iter()
            .fold((1.0f64, 0.0f64), |(l, h), d| (l.min(*d), h.max(*d)));
        assert!(low < 0.6 && high > 0.85, "{diligence:?}");
    }

    #[test]
    fn a_bad_world_is_refused() {
        let rules = rules();
        let mut world = World {
            calendar: calendar(),
            rules: &rules,
            provinces: Vec::new(),
            categories: vec!["land".into()],
        };
        assert_eq!(draw(&world, &size(1, 10)), Err(PlanError::NoProvince));
        world.provinces = vec![province("01", 1, 0)];
        assert_eq!(
            draw(&world, &size(1, 10)),
            Err(PlanError::NoCommune("01".into()))
        );
        world.provinces = vec![province("01", 1, 3)];
        world.categories.clear();
        assert_eq!(draw(&world, &size(1, 10)), Err(PlanError::NoCategory));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        #[test]
        fn any_seed_draws_a_plan_true_to_the_workflow(seed in any::<u64>(), petitions in 1usize..300) {
            check(&plan(&size(seed, petitions)));
        }
    }
}
