//! Writes the loaded plans into `insurer` and `product` rows (upsert by code) at start.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{insurer, product};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::Plans;

/// Upserts every insurer and product; returns product code → product id.
pub async fn sync(
    db: &impl ConnectionTrait,
    plans: &Plans,
    now: DateTime<Utc>,
) -> Result<HashMap<String, i64>, DbErr> {
    let mut products = HashMap::new();
    for plan in plans.iter() {
        insurer::Entity::insert(insurer::ActiveModel {
            code: Set(plan.insurer.code.clone()),
            name: Set(plan.insurer.name.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::column(insurer::Column::Code)
                .update_columns([insurer::Column::Name, insurer::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        let insurer_id = insurer_id(db, &plan.insurer.code)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound(plan.insurer.code.clone()))?;
        let document = serde_json::to_value(plan.as_ref())
            .map_err(|e| DbErr::Custom(format!("plan {}: {e}", plan.code)))?;
        product::Entity::insert(product::ActiveModel {
            code: Set(plan.code.clone()),
            insurer_id: Set(insurer_id),
            name: Set(plan.name.clone()),
            provider: Set(plan.provider.name.clone()),
            hotline: Set(plan.provider.hotline.clone()),
            seed: Set(plan.seed.clone()),
            plan: Set(document),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::column(product::Column::Code)
                .update_columns([
                    product::Column::InsurerId,
                    product::Column::Name,
                    product::Column::Provider,
                    product::Column::Hotline,
                    product::Column::Seed,
                    product::Column::Plan,
                    product::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        let id = product::Entity::find()
            .filter(product::Column::Code.eq(plan.code.as_str()))
            .one(db)
            .await?
            .map(|p| p.id)
            .ok_or_else(|| DbErr::RecordNotFound(plan.code.clone()))?;
        products.insert(plan.code.clone(), id);
    }
    Ok(products)
}

pub async fn insurer_id(db: &impl ConnectionTrait, code: &str) -> Result<Option<i64>, DbErr> {
    Ok(insurer::Entity::find()
        .filter(insurer::Column::Code.eq(code))
        .one(db)
        .await?
        .map(|i| i.id))
}

/// Product id → product code, for reading policies back.
pub async fn product_codes(db: &impl ConnectionTrait) -> Result<HashMap<i64, String>, DbErr> {
    Ok(product::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.code))
        .collect())
}
