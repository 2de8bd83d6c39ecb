//! A fault-injecting HTTP/1.1 proxy in front of moto: AWS throttling errors (in the error
//! shape of the request's protocol), HTTP 500 and 503, slow answers and dropped connections at
//! configured rates; and GAAD answers cut into pages (moto ignores `MaxItems` and `Marker`),
//! so the collector's paging is exercised.
//!
//! Each request is forwarded on a fresh upstream connection with `Connection: close`; the
//! answer is read whole and sent back with a `Content-Length`, keeping the client's
//! connection alive.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Fault rates (0.0 to 1.0, each drawn in turn for every request).
#[derive(Clone, Debug, Default)]
pub struct Faults {
    pub throttle: f64,
    pub error_500: f64,
    pub error_503: f64,
    pub slow: f64,
    pub slow_delay: Duration,
    pub drop: f64,
    /// Cut GAAD answers into pages of at most this many entries (fewer when the request's
    /// `MaxItems` asks for fewer; AWS's default is 100 and its maximum 1,000).
    pub gaad_page_size: Option<usize>,
    /// Answer `AccessDenied` to `AssumeRole` into these accounts (as AWS does when the role
    /// is missing or its trust policy does not allow the caller).
    pub deny_assume_role: Vec<String>,
    pub seed: u64,
}

impl Faults {
    /// `rate` spread over the five kinds of fault.
    pub fn at(rate: f64, seed: u64) -> Faults {
        Faults {
            throttle: rate * 0.4,
            error_500: rate * 0.15,
            error_503: rate * 0.15,
            slow: rate * 0.15,
            slow_delay: Duration::from_millis(1500),
            drop: rate * 0.15,
            gaad_page_size: None,
            deny_assume_role: Vec::new(),
            seed,
        }
    }
}

/// What the proxy did.
#[derive(Debug, Default)]
pub struct Stats {
    pub requests: AtomicU64,
    pub throttled: AtomicU64,
    pub errors_500: AtomicU64,
    pub errors_503: AtomicU64,
    pub slowed: AtomicU64,
    pub dropped: AtomicU64,
    pub gaad_pages: AtomicU64,
    /// `AssumeRole` calls answered `AccessDenied`.
    pub denied: AtomicU64,
    /// Forwarded (fault-free) requests by action.
    pub forwarded: Mutex<BTreeMap<String, u64>>,
}

impl Stats {
    pub fn faults(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
            + self.errors_500.load(Ordering::Relaxed)
            + self.errors_503.load(Ordering::Relaxed)
            + self.slowed.load(Ordering::Relaxed)
            + self.dropped.load(Ordering::Relaxed)
    }
}

#[derive(Debug)]
pub struct Proxy {
    pub port: u16,
    pub stats: Arc<Stats>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub async fn start(upstream: u16, faults: Faults) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let stats = Arc::new(Stats::default());
        let shared = Arc::new(Shared {
            upstream,
            faults,
            rng: Mutex::new(Rng(0)),
            stats: Arc::clone(&stats),
        });
        *shared.rng.lock().unwrap() = Rng(shared.faults.seed.wrapping_mul(2_654_435_761) | 1);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let shared = Arc::clone(&shared);
                tokio::spawn(async move {
                    let _ = serve(stream, shared).await;
                });
            }
        });
        Proxy { port, stats, task }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Shared {
    upstream: u16,
    faults: Faults,
    rng: Mutex<Rng>,
    stats: Arc<Stats>,
}

/// xorshift64*: reproducible faults for a seed.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

enum Fault {
    Throttle,
    Error(u16),
    Slow,
    Drop,
}

impl Shared {
    fn denies_assume_role(&self, request: &Request) -> bool {
        let body = String::from_utf8_lossy(&request.body);
        let role = form_value(&body, "RoleArn").unwrap_or_default();
        // `arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2F...`: the account is the fifth field.
        let role = role.replace("%3A", ":");
        let account = role.split(':').nth(4).unwrap_or_default();
        self.faults.deny_assume_role.iter().any(|a| a == account)
    }

    fn draw(&self) -> Option<Fault> {
        let x = self.rng.lock().unwrap().next_f64();
        let f = &self.faults;
        let mut edge = f.throttle;
        if x < edge {
            return Some(Fault::Throttle);
        }
        edge += f.error_500;
        if x < edge {
            return Some(Fault::Error(500));
        }
        edge += f.error_503;
        if x < edge {
            return Some(Fault::Error(503));
        }
        edge += f.slow;
        if x < edge {
            return Some(Fault::Slow);
        }
        edge += f.drop;
        if x < edge {
            return Some(Fault::Drop);
        }
        None
    }
}

struct Request {
    head: String,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    /// The Query protocol's `Action`, the JSON protocol's target, or the method and path.
    fn action(&self) -> String {
        let body = String::from_utf8_lossy(&self.body);
        if let Some(action) = form_value(&body, "Action") {
            return action;
        }
        if let Some(target) = self.header("x-amz-target") {
            return target.rsplit('.').next().unwrap_or(target).to_owned();
        }
        self.head.lines().next().unwrap_or_default().to_owned()
    }
}

fn form_value(body: &str, key: &str) -> Option<String> {
    body.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| v.to_owned())
    })
}

async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Request> {
    loop {
        if let Some(end) = find(buffer, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            let length: usize = head
                .lines()
                .skip(1)
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.trim()
                        .eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            while buffer.len() < end + 4 + length {
                let mut chunk = [0u8; 65536];
                let n = stream.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            let body = buffer[end + 4..end + 4 + length].to_vec();
            buffer.drain(..end + 4 + length);
            return Some(Request { head, body });
        }
        let mut chunk = [0u8; 65536];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

async fn serve(mut client: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    while let Some(request) = read_request(&mut client, &mut buffer).await {
        shared.stats.requests.fetch_add(1, Ordering::Relaxed);
        match shared.draw() {
            Some(Fault::Drop) => {
                shared.stats.dropped.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            Some(Fault::Throttle) => {
                shared.stats.throttled.fetch_add(1, Ordering::Relaxed);
                let (status, headers, body) = throttling(&request);
                write_response(&mut client, status, &headers, body.as_bytes()).await?;
                continue;
            }
            Some(Fault::Error(status)) => {
                let counter = if status == 500 {
                    &shared.stats.errors_500
                } else {
                    &shared.stats.errors_503
                };
                counter.fetch_add(1, Ordering::Relaxed);
                write_response(&mut client, status, &[], b"").await?;
                continue;
            }
            Some(Fault::Slow) => {
                shared.stats.slowed.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(shared.faults.slow_delay).await;
            }
            None => {}
        }
        let action = request.action();
        if action == "AssumeRole" && shared.denies_assume_role(&request) {
            shared.stats.denied.fetch_add(1, Ordering::Relaxed);
            let body = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>";
            let headers = [("Content-Type".to_owned(), "text/xml".to_owned())];
            write_response(&mut client, 403, &headers, body.as_bytes()).await?;
            continue;
        }
        *shared
            .stats
            .forwarded
            .lock()
            .unwrap()
            .entry(action.clone())
            .or_default() += 1;
        let (status, headers, mut body) = match forward(&request, shared.upstream).await {
            Some(answer) => answer,
            None => return Ok(()),
        };
        // The per-account listings are paged; the AWS managed policy listing (a thousand
        // policies, read once per run) is left whole.
        let managed_listing = String::from_utf8_lossy(&request.body).contains("AWSManagedPolicy");
        if action == "GetAccountAuthorizationDetails" && status == 200 && !managed_listing {
            if let Some(cap) = shared.faults.gaad_page_size {
                let body_text = String::from_utf8_lossy(&request.body).into_owned();
                let asked = form_value(&body_text, "MaxItems").and_then(|m| m.parse().ok());
                let size = asked.unwrap_or(100usize).clamp(1, 1000).min(cap);
                let page = form_value(&body_text, "Marker")
                    .and_then(|m| m.strip_prefix("page-").and_then(|n| n.parse().ok()))
                    .unwrap_or(0usize);
                body = page_gaad(&String::from_utf8_lossy(&body), page, size).into_bytes();
                shared.stats.gaad_pages.fetch_add(1, Ordering::Relaxed);
            }
        }
        write_response(&mut client, status, &headers, &body).await?;
    }
    Ok(())
}

/// The throttling error in the shape the request's protocol expects.
fn throttling(request: &Request) -> (u16, Vec<(String, String)>, String) {
    if request.header("x-amz-target").is_some() {
        // awsJson1.0/1.1 (Organizations, KMS, Secrets Manager, SQS).
        let body = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.to_owned();
        return (
            400,
            vec![
                ("Content-Type".into(), "application/x-amz-json-1.1".into()),
                ("x-amzn-ErrorType".into(), "ThrottlingException".into()),
            ],
            body,
        );
    }
    let query = request
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if query {
        // The AWS Query protocol's error (IAM, STS, SNS, EC2 use `Response`, same code).
        let body = "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>".to_owned();
        return (400, vec![("Content-Type".into(), "text/xml".into())], body);
    }
    let path = request.head.split_whitespace().nth(1).unwrap_or_default();
    if !path.starts_with("/2015-03-31/") {
        // S3 (REST-XML) slows callers down with 503 SlowDown.
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>".to_owned();
        return (
            503,
            vec![("Content-Type".into(), "application/xml".into())],
            body,
        );
    }
    // Lambda (REST-JSON).
    (
        429,
        vec![
            ("Content-Type".into(), "application/json".into()),
            ("x-amzn-ErrorType".into(), "TooManyRequestsException".into()),
        ],
        r#"{"Type":"User","message":"Rate exceeded"}"#.to_owned(),
    )
}

async fn forward(
    request: &Request,
    upstream: u16,
) -> Option<(u16, Vec<(String, String)>, Vec<u8>)> {
    let mut server = TcpStream::connect(("127.0.0.1", upstream)).await.ok()?;
    let mut head = String::new();
    for (i, line) in request.head.lines().enumerate() {
        if i > 0 && line.to_ascii_lowercase().starts_with("connection:") {
            continue;
        }
        head.push_str(line);
        head.push_str("\r\n");
    }
    head.push_str("Connection: close\r\n\r\n");
    server.write_all(head.as_bytes()).await.ok()?;
    server.write_all(&request.body).await.ok()?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer).await.ok()?;
    let end = find(&answer, b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&answer[..end]).into_owned();
    let mut lines = head.lines();
    let status: u16 = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let mut headers = Vec::new();
    let mut chunked = false;
    for line in lines {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let key = k.trim().to_ascii_lowercase();
        if key == "transfer-encoding" {
            chunked = v.to_ascii_lowercase().contains("chunked");
            continue;
        }
        if key == "content-length" || key == "connection" {
            continue;
        }
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    let raw = answer[end + 4..].to_vec();
    let body = if chunked { dechunk(&raw) } else { raw };
    Some((status, headers, body))
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    while let Some(line_end) = find(raw, b"\r\n") {
        let size_text = String::from_utf8_lossy(&raw[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        body.extend_from_slice(&raw[start..start + size]);
        raw = &raw[start + size + 2..];
    }
    body
}

async fn write_response(
    client: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let mut head = format!("HTTP/1.1 {status} {reason}\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: keep-alive\r\n\r\n",
        body.len()
    ));
    client.write_all(head.as_bytes()).await?;
    client.write_all(body).await?;
    client.flush().await
}

const GAAD_LISTS: [&str; 4] = [
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
];

/// The top-level `<member>` elements of `text`.
fn members(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0usize;
    let mut i = 0usize;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with("<member>") {
            if depth == 0 {
                start = i;
            }
            depth += 1;
            i += "<member>".len();
        } else if rest.starts_with("</member>") {
            depth = depth.saturating_sub(1);
            i += "</member>".len();
            if depth == 0 {
                out.push(&text[start..i]);
            }
        } else if rest.starts_with("<member/>") {
            if depth == 0 {
                out.push("<member/>");
            }
            i += "<member/>".len();
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

/// Page `page` of a whole GAAD answer, `size` entries a page across the four lists.
pub fn page_gaad(xml: &str, page: usize, size: usize) -> String {
    let mut out = xml.to_owned();
    let mut index = 0usize;
    let mut total = 0usize;
    for list in GAAD_LISTS {
        let open = format!("<{list}>");
        let close = format!("</{list}>");
        let Some(start) = out.find(&open) else {
            continue;
        };
        let Some(end_rel) = out[start..].find(&close) else {
            continue;
        };
        let end = start + end_rel;
        let inner = out[start + open.len()..end].to_owned();
        let items = members(&inner);
        let kept: String = items
            .iter()
            .filter(|_| {
                let keep = index >= page * size && index < (page + 1) * size;
                index += 1;
                keep
            })
            .copied()
            .collect();
        total += items.len();
        out.replace_range(start + open.len()..end, &kept);
    }
    let more = (page + 1) * size < total;
    let truncated = format!(
        "<IsTruncated>{more}</IsTruncated>{}",
        if more {
            format!("<Marker>page-{}</Marker>", page + 1)
        } else {
            String::new()
        }
    );
    if let Some(start) = out.find("<IsTruncated>") {
        if let Some(end) = out[start..].find("</IsTruncated>") {
            out.replace_range(start..start + end + "</IsTruncated>".len(), &truncated);
            return out;
        }
    }
    if let Some(at) = out.find("<GetAccountAuthorizationDetailsResult>") {
        out.insert_str(
            at + "<GetAccountAuthorizationDetailsResult>".len(),
            &truncated,
        );
    }
    out
}
