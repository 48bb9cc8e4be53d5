use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: Uuid,
    #[sea_orm(unique)]
    pub login: String,
    /// argon2id, PHC string format.
    pub password_hash: String,
    pub role: StaffRole,
    /// The insurer whose cases the account may see; none: every insurer.
    pub insurer_id: Option<i64>,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The name the insured knows their specialist by (王专员).
    pub display_name: Option<String>,
    /// The line the insured calls their specialist on.
    pub work_phone: Option<String>,
}

/// A staff account's role as stored (`staff::Role` in the application, mapped by its store).
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum StaffRole {
    Specialist,
    Supervisor,
    InsurerViewer,
    Admin,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
