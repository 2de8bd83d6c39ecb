//! Fuzzes `parse_policy`: no input may panic it; an error must point inside the text it names;
//! and every document it accepts must survive serialization (compact and pretty) unchanged.

#![no_main]

use iamwatch_policy::parse::{decoded_text, parse_policy};
use iamwatch_policy::serialize::{to_json, to_json_pretty};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_policy(text) {
        Ok(policy) => {
            let compact = to_json(&policy);
            let again = parse_policy(&compact)
                .unwrap_or_else(|error| panic!("serialized policy refused: {error}\n{compact}"));
            assert_eq!(to_json(&again), compact, "compact round trip");
            let pretty = to_json_pretty(&policy);
            let again = parse_policy(&pretty)
                .unwrap_or_else(|error| panic!("pretty policy refused: {error}\n{pretty}"));
            assert_eq!(to_json(&again), compact, "pretty round trip");
        }
        Err(error) => {
            let message = error.message();
            assert!(
                !message.contains('\n') && !message.ends_with('.'),
                "{message}"
            );
            assert!(error.line() >= 1 && error.column() >= 1);
            if let Ok(source) = decoded_text(text) {
                let span = error.span();
                assert!(span.start <= span.end, "{span:?}");
                assert!(
                    source.get(span.start as usize..span.end as usize).is_some(),
                    "{span:?}"
                );
            }
        }
    }
});
