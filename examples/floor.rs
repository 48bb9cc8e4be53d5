//! The floor of `scripts/bench-compare`: a bare actix-web server doing only the I/O each measured
//! endpoint must do, and nothing of the product — what the service is compared with.
//!
//! - `GET /api/v1/me`: verify the HS256 bearer token (HMAC over header and payload, `exp`), one
//!   Redis `GET` (the session);
//! - `GET /api/v1/cases/{id}`: the same, and one PostgreSQL select of the case by its unique id;
//! - `POST /api/v1/auth/wechat-login`: one `jscode2session` call to the (fake) WeChat, one Redis
//!   `SETEX`, sign a token.
//!
//! Settings from the environment: `FLOOR_ADDR`, `FLOOR_DATABASE_URL`, `FLOOR_REDIS_URL`,
//! `FLOOR_JWT_SECRET` (the service's, so its tokens verify here), `FLOOR_WECHAT_URL`.
//!
//!     cargo run --release --example floor

use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, get, post, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use redis::AsyncCommands;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement,
};
use serde_json::{Value, json};
use sha2::Sha256;

struct Floor {
    db: DatabaseConnection,
    redis: redis::aio::ConnectionManager,
    secret: Vec<u8>,
    http: reqwest::Client,
    wechat: String,
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"))
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The token's claims when its signature and expiry hold.
fn verify(floor: &Floor, req: &HttpRequest) -> Option<Value> {
    let token = req
        .headers()
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    let (signed, signature) = token.rsplit_once('.')?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&floor.secret).ok()?;
    mac.update(signed.as_bytes());
    mac.verify_slice(&URL_SAFE_NO_PAD.decode(signature).ok()?)
        .ok()?;
    let payload = signed.split_once('.')?.1;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    (claims["exp"].as_u64()? > now()).then_some(claims)
}

async fn session(floor: &Floor, claims: &Value) -> Result<Option<String>, redis::RedisError> {
    let key = format!(
        "floor:session:{}",
        claims["sid"].as_str().unwrap_or_default()
    );
    floor.redis.clone().get(key).await
}

#[get("/api/v1/me")]
async fn me(req: HttpRequest, floor: web::Data<Floor>) -> HttpResponse {
    let Some(claims) = verify(&floor, &req) else {
        return HttpResponse::Unauthorized().finish();
    };
    match session(&floor, &claims).await {
        Ok(_) => HttpResponse::Ok().json(json!({"id": claims["sub"]})),
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}

#[get("/api/v1/cases/{id}")]
async fn case(
    req: HttpRequest,
    floor: web::Data<Floor>,
    path: web::Path<uuid::Uuid>,
) -> HttpResponse {
    let Some(claims) = verify(&floor, &req) else {
        return HttpResponse::Unauthorized().finish();
    };
    if session(&floor, &claims).await.is_err() {
        return HttpResponse::ServiceUnavailable().finish();
    }
    let row = floor
        .db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT * FROM service_case WHERE public_id = $1",
            [path.into_inner().into()],
        ))
        .await;
    match row {
        Ok(Some(row)) => {
            let status: String = row.try_get("", "status").unwrap_or_default();
            HttpResponse::Ok().json(json!({"status": status}))
        }
        Ok(None) => HttpResponse::NotFound().finish(),
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}

#[post("/api/v1/auth/wechat-login")]
async fn login(floor: web::Data<Floor>, body: web::Json<Value>) -> HttpResponse {
    let code = body["code"].as_str().unwrap_or_default();
    let answer: Value = match floor
        .http
        .get(format!("{}/sns/jscode2session", floor.wechat))
        .query(&[
            ("appid", "wx-floor"),
            ("secret", "floor"),
            ("js_code", code),
            ("grant_type", "authorization_code"),
        ])
        .send()
        .await
    {
        Ok(response) => response.json().await.unwrap_or_default(),
        Err(_) => return HttpResponse::ServiceUnavailable().finish(),
    };
    let openid = answer["openid"].as_str().unwrap_or_default().to_owned();
    let sid = uuid::Uuid::new_v4().to_string();
    let stored: Result<(), _> = floor
        .redis
        .clone()
        .set_ex(format!("floor:session:{sid}"), &openid, 3600)
        .await;
    if stored.is_err() {
        return HttpResponse::ServiceUnavailable().finish();
    }
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = json!({"sub": openid, "sid": sid, "exp": now() + 900, "aud": "miniapp"});
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signed = format!("{header}.{payload}");
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&floor.secret) else {
        return HttpResponse::InternalServerError().finish();
    };
    mac.update(signed.as_bytes());
    let token = format!(
        "{signed}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    );
    HttpResponse::Ok().json(json!({"access_token": token}))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut options = ConnectOptions::new(env("FLOOR_DATABASE_URL"));
    options
        .max_connections(20)
        .min_connections(1)
        .sqlx_logging(false)
        .test_before_acquire(false);
    let db = Database::connect(options).await.expect("PostgreSQL");
    let client = redis::Client::open(env("FLOOR_REDIS_URL")).expect("a Redis URL");
    let redis = redis::aio::ConnectionManager::new(client)
        .await
        .expect("Redis");
    let floor = web::Data::new(Floor {
        db,
        redis,
        secret: env("FLOOR_JWT_SECRET").into_bytes(),
        http: reqwest::Client::new(),
        wechat: env("FLOOR_WECHAT_URL"),
    });
    let address = env("FLOOR_ADDR");
    eprintln!("floor on http://{address}");
    HttpServer::new(move || {
        App::new()
            .app_data(floor.clone())
            .service(me)
            .service(case)
            .service(login)
    })
    .bind(address)?
    .run()
    .await
}
