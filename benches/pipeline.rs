//! The upload pipeline alone (sniff → bounded decode → orientation → cap → re-encode →
//! thumbnail) on a typical 12-megapixel phone photo: the floor the upload endpoint is measured
//! against. `cargo bench --bench pipeline` (ITERATIONS, default 15).

// A benchmark reports on stdout.
#![allow(clippy::print_stdout)]

mod photo;

use std::time::{Duration, Instant};

use green_channel::config::{Profile, Settings};
use green_channel::documents::pipeline;

fn main() {
    let settings = Settings::figment(Profile::Local)
        .extract_inner::<green_channel::config::UploadSettings>("uploads")
        .expect("upload settings");
    let iterations: usize = std::env::var("ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    for (label, width, height, quality, noise) in [
        ("12 MP phone photo", 4000, 3000, 92, 10),
        ("48 MP photo (capped to 4096 px)", 8000, 6000, 85, 6),
    ] {
        let input = photo::photo(width, height, quality, noise, 1);
        let mut times: Vec<Duration> = Vec::with_capacity(iterations);
        let mut output = 0;
        for _ in 0..iterations {
            let start = Instant::now();
            let processed = pipeline::process(&input, &settings).expect("a valid photo");
            times.push(start.elapsed());
            output = processed.bytes.len() + processed.thumbnail.len();
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{label}: {width}x{height} JPEG {:.2} MB in, {:.2} MB out (image + thumbnail); \
             {iterations} runs: min {:.0} ms, median {:.0} ms, max {:.0} ms; {:.2} images/s per core",
            input.len() as f64 / 1e6,
            output as f64 / 1e6,
            ms(times[0]),
            ms(times[iterations / 2]),
            ms(times[iterations - 1]),
            1000.0 / ms(times[iterations / 2]),
        );
    }
}
