//! The message catalogue: every text the service shows people, in Vietnamese (the default)
//! and English, as Fluent files (`src/i18n/locales/{vi,en}/*.ftl`) compiled into the binary.
//! The API's problems, field faults and intake notices read it; the web pages will.
//!
//! Arguments are passed as text, formatted by the caller, so that a number or a quoted value
//! reads the same in every message. Unicode isolation marks around placeables are off: the
//! texts go into JSON and logs, not into mixed-direction layouts.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

use crate::domain::lang::Lang;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./src/i18n/locales",
        fallback_language: "vi",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static VI: LanguageIdentifier = langid!("vi");
static EN: LanguageIdentifier = langid!("en");

fn language(lang: Lang) -> &'static LanguageIdentifier {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

/// The message `id` in `lang`.
pub fn text(lang: Lang, id: &str) -> String {
    LOCALES.lookup(language(lang), id)
}

/// The message `id` in `lang`, with its arguments.
pub fn text_with(lang: Lang, id: &str, args: &[(&'static str, String)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.clone())))
        .collect();
    LOCALES.lookup_with_args(language(lang), id, &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message ids of a language's files, read from the files themselves.
    fn ids(lang: &str) -> Vec<String> {
        let dir = format!("{}/src/i18n/locales/{lang}", env!("CARGO_MANIFEST_DIR"));
        let mut ids: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flat_map(|f| {
                let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
                text.lines()
                    .filter_map(|l| l.split_once(" = ").map(|(id, _)| id.to_owned()))
                    .filter(|id| !id.starts_with(' ') && !id.starts_with('#'))
                    .collect::<Vec<_>>()
            })
            .collect();
        ids.sort();
        ids
    }

    /// Whether `id` formats in `lang` itself (not by falling back to Vietnamese), with every
    /// argument the catalogue uses given.
    fn has(lang: Lang, id: &str) -> bool {
        let args: HashMap<&str, FluentValue> = [
            "action", "code", "count", "field", "first", "given", "id", "kind", "last", "limit",
            "max", "min", "problem", "reason", "seconds", "status",
        ]
        .into_iter()
        .map(|name| {
            let value = if name == "kind" { "complaint" } else { "x" };
            (name, FluentValue::from(value))
        })
        .collect();
        LOCALES
            .lookup_no_default_fallback(language(lang), id, Some(&args))
            .is_some()
    }

    #[test]
    fn both_languages_have_the_same_messages_and_each_resolves() {
        let (vi, en) = (ids("vi"), ids("en"));
        assert!(vi.len() > 100, "{vi:?}");
        assert_eq!(vi, en);
        for id in &vi {
            assert!(has(Lang::Vi, id), "vi {id}");
            assert!(has(Lang::En, id), "en {id}");
        }
    }

    #[test]
    fn arguments_are_placed_as_given_without_isolation_marks() {
        let vi = text_with(Lang::Vi, "fault-too_long", &[("max", "2000".into())]);
        assert_eq!(vi, "Dài quá 2000 ký tự.");
        let en = text_with(
            Lang::En,
            "fault-identity_required",
            &[("kind", "complaint".into())],
        );
        assert!(en.starts_with("A complaint must give"), "{en}");
        // The Vietnamese name of a kind is chosen by the kind's code.
        let vi = text_with(
            Lang::Vi,
            "fault-not_for_kind",
            &[("kind", "denunciation".into())],
        );
        assert_eq!(vi, "Chỉ dùng cho đơn tố cáo.");
        assert_eq!(text(Lang::En, "problem-forbidden-title"), "Forbidden");
    }
}
